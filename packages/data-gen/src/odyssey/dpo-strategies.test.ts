import { describe, expect, it } from 'vitest';
import type { NormBbox, Point } from '../actions/coords.js';
import { type OdysseyAction, parseOdysseyAction } from '../actions/odyssey.js';
import { matchOdysseyAction } from '../actions/odyssey-match.js';
import { DataRng } from '../random/data-rng.js';
import { type MinDistance, type RejectionContext, rejectOdysseyStep, typedTextMatches } from './dpo-strategies.js';

function ctx(action: OdysseyAction, extra: Partial<RejectionContext> = {}): RejectionContext {
  return {
    step: { action, points: 'point' in action ? [action.point] : [] },
    instruction: 'Open Amazon and buy a cable.',
    typedTexts: [],
    sigma: 50,
    minDistance: 'ams',
    ...extra,
  };
}
const clickAt = (point: Point): OdysseyAction => ({ type: 'CLICK', point });
const pointOf = (text: string | undefined): Point => {
  const a = parseOdysseyAction(text ?? '');
  if (!a || !('point' in a)) throw new Error(`not a point action: ${text}`);
  return a.point;
};

describe('spatial', () => {
  it('by default lands outside sam2_bbox and beyond the 0.14 radius, so the official matcher scores it wrong', () => {
    const cases: [Point, NormBbox | undefined][] = [
      [
        [500, 400],
        [300, 350, 700, 450],
      ],
      [
        [512.5, 300.25],
        [480, 280, 540, 320],
      ],
      [[5, 995], undefined],
      [
        [950, 20],
        [900, 0, 1000, 60],
      ],
    ];
    for (const [point, sam2Bbox] of cases) {
      const chosen = `CLICK: (${point[0]}, ${point[1]})`;
      for (let seed = 0; seed < 150; seed++) {
        const rejected = rejectOdysseyStep(
          'spatial',
          ctx(clickAt(point), sam2Bbox ? { sam2Bbox } : {}),
          new DataRng(seed),
        );
        const p = pointOf(rejected);
        // Geometry, computed here: farther than 140 on the 0..1000 scale, outside the box, on the screen.
        expect(Math.hypot(p[0] - point[0], p[1] - point[1])).toBeGreaterThan(140);
        if (sam2Bbox) {
          const [x1, y1, x2, y2] = sam2Bbox;
          expect(p[0] >= x1 && p[0] <= x2 && p[1] >= y1 && p[1] <= y2).toBe(false);
        }
        expect(p.every((v) => v >= 0 && v <= 1000)).toBe(true);
        // And the scorer's own matcher agrees.
        expect(matchOdysseyAction(chosen, rejected as string, sam2Bbox ?? null).correct).toBe(false);
      }
    }
  });

  it('draws hard negatives: just beyond the radius plus half-Gaussian noise of sigma', () => {
    const meanDistance = (sigma: number) => {
      let sum = 0;
      for (let seed = 0; seed < 300; seed++) {
        const p = pointOf(rejectOdysseyStep('spatial', ctx(clickAt([500, 500]), { sigma }), new DataRng(seed)));
        sum += Math.hypot(p[0] - 500, p[1] - 500);
      }
      return sum / 300;
    };
    // sigma 50: a draw beyond 140 is rare (exp(-140^2 / (2 * 50^2)) = 2%), so nearly all are pushed
    // to 141 + |N(0, 50)|, whose mean is 141 + 50 * sqrt(2 / pi) = 180.9.
    expect(meanDistance(50)).toBeGreaterThan(170);
    expect(meanDistance(50)).toBeLessThan(192);
    expect(meanDistance(150)).toBeGreaterThan(meanDistance(50) + 30);
    for (let seed = 0; seed < 100; seed++) {
      const p = pointOf(rejectOdysseyStep('spatial', ctx(clickAt([0, 1000]), { sigma: 300 }), new DataRng(seed)));
      expect(p[0]).toBeGreaterThanOrEqual(0);
      expect(p[1]).toBeLessThanOrEqual(1000);
    }
  });

  it('gives up (undefined) when sam2_bbox covers the whole screen', () => {
    const all: NormBbox = [0, 0, 1000, 1000];
    expect(rejectOdysseyStep('spatial', ctx(clickAt([500, 500]), { sam2Bbox: all }), new DataRng(1))).toBeUndefined();
  });

  it('honours a numeric minimum distance, and gives up only when no point can qualify', () => {
    for (let seed = 0; seed < 100; seed++) {
      const p = pointOf(rejectOdysseyStep('spatial', ctx(clickAt([20, 20]), { minDistance: 200 }), new DataRng(seed)));
      expect(Math.hypot(p[0] - 20, p[1] - 20)).toBeGreaterThan(200);
    }
    const impossible: MinDistance = 2000;
    expect(
      rejectOdysseyStep('spatial', ctx(clickAt([500, 500]), { minDistance: impossible }), new DataRng(1)),
    ).toBeUndefined();
  });

  it('keeps LONG_PRESS a LONG_PRESS and does not apply to other actions', () => {
    expect(rejectOdysseyStep('spatial', ctx({ type: 'LONG_PRESS', point: [100, 100] }), new DataRng(1))).toMatch(
      /^LONG_PRESS: \(\d+, \d+\)$/,
    );
    expect(rejectOdysseyStep('spatial', ctx({ type: 'PRESS_HOME' }), new DataRng(1))).toBeUndefined();
  });

  it('is deterministic by seed', () => {
    const a = rejectOdysseyStep('spatial', ctx(clickAt([400, 600])), new DataRng(42));
    expect(rejectOdysseyStep('spatial', ctx(clickAt([400, 600])), new DataRng(42))).toBe(a);
  });
});

describe('logical, text and scroll', () => {
  it('logical swaps the action type as documented', () => {
    const rng = () => new DataRng(3);
    expect(rejectOdysseyStep('logical', ctx(clickAt([1, 2]), { typedTexts: ['usb c cable'] }), rng())).toBe(
      'TYPE: usb c cable',
    );
    expect(rejectOdysseyStep('logical', ctx(clickAt([1, 2])), rng())).toMatch(/^TYPE: \S/);
    expect(rejectOdysseyStep('logical', ctx({ type: 'TYPE', text: 'hi' }), rng())).toMatch(/^CLICK: \(\d+, \d+\)$/);
    expect(rejectOdysseyStep('logical', ctx({ type: 'LONG_PRESS', point: [7, 8] }), rng())).toBe('CLICK: (7, 8)');
    const scroll = ctx({ type: 'SCROLL', direction: 'UP' });
    scroll.step.points = [
      [500, 800],
      [500, 200],
    ];
    expect(rejectOdysseyStep('logical', scroll, rng())).toBe('CLICK: (500, 800)');
    for (const type of ['PRESS_HOME', 'PRESS_BACK', 'PRESS_RECENT', 'COMPLETE', 'IMPOSSIBLE'] as const) {
      expect(rejectOdysseyStep('logical', ctx({ type }), rng())).toMatch(/^CLICK: \(\d+, \d+\)$/);
    }
  });

  it('text picks a TYPE text that AMS would reject, else random letters', () => {
    const chosen = 'weather in Paris';
    const pool = ['weather in paris today', 'weather in pari', 'usb c cable', 'sunset'];
    for (let seed = 0; seed < 50; seed++) {
      const out = rejectOdysseyStep(
        'text',
        ctx({ type: 'TYPE', text: chosen }, { typedTexts: pool }),
        new DataRng(seed),
      );
      expect(['TYPE: usb c cable', 'TYPE: sunset']).toContain(out);
    }
    const letters = rejectOdysseyStep('text', ctx({ type: 'TYPE', text: 'abc' }), new DataRng(1)) as string;
    expect(letters).toMatch(/^TYPE: [a-z]{3}$/);
    expect(typedTextMatches('abc', letters.slice(6))).toBe(false);
    expect(rejectOdysseyStep('text', ctx(clickAt([1, 1])), new DataRng(1))).toBeUndefined();
  });

  it('text judges texts on the part the official parser reads (up to a second colon)', () => {
    // The official parser reads "10" from each of the first three: they would score as correct.
    const chosen = { type: 'TYPE', text: '10:30 meeting' } as const;
    const pool = ['10:45 call', '10', '10:30 meeting tomorrow', 'dentist'];
    for (let seed = 0; seed < 30; seed++) {
      const out = rejectOdysseyStep('text', ctx(chosen, { typedTexts: pool }), new DataRng(seed));
      expect(out).toBe('TYPE: dentist');
      expect(matchOdysseyAction('TYPE: 10:30 meeting', out as string).correct).toBe(false);
    }
    // An empty typed text is contained in every text: no text rejection exists.
    expect(
      rejectOdysseyStep('text', ctx({ type: 'TYPE', text: '' }, { typedTexts: pool }), new DataRng(1)),
    ).toBeUndefined();
    expect(rejectOdysseyStep('logical', ctx({ type: 'TYPE', text: '' }), new DataRng(1))).toMatch(/^CLICK: /);
  });

  it('scroll flips the direction', () => {
    const flip = { UP: 'DOWN', DOWN: 'UP', LEFT: 'RIGHT', RIGHT: 'LEFT' } as const;
    for (const [from, to] of Object.entries(flip)) {
      expect(
        rejectOdysseyStep('scroll', ctx({ type: 'SCROLL', direction: from as keyof typeof flip }), new DataRng(1)),
      ).toBe(`SCROLL: ${to}`);
    }
    expect(rejectOdysseyStep('scroll', ctx(clickAt([1, 1])), new DataRng(1))).toBeUndefined();
  });
});
