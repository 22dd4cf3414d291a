import { describe, expect, it } from 'vitest';
import type { NormBbox, Point } from '../actions/coords.js';
import { type OdysseyAction, parseOdysseyAction } from '../actions/odyssey.js';
import { DataRng } from '../random/data-rng.js';
import { type MinDistance, type RejectionContext, rejectOdysseyStep, typedTextMatches } from './dpo-strategies.js';

function ctx(action: OdysseyAction, extra: Partial<RejectionContext> = {}): RejectionContext {
  return {
    step: { action, points: 'point' in action ? [action.point] : [] },
    instruction: 'Open Amazon and buy a cable.',
    typedTexts: [],
    sigma: 50,
    minDistance: 'none',
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
  it('adds Gaussian noise of about sigma, never returns the chosen point, stays on the screen', () => {
    const distances: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const p = pointOf(rejectOdysseyStep('spatial', ctx(clickAt([500, 500])), new DataRng(seed)));
      expect(p).not.toEqual([500, 500]);
      distances.push(Math.hypot(p[0] - 500, p[1] - 500));
    }
    // E|N2(0, 50 I)| = 50 * sqrt(pi / 2) = 62.7
    const mean = distances.reduce((a, b) => a + b, 0) / distances.length;
    expect(mean).toBeGreaterThan(55);
    expect(mean).toBeLessThan(71);
    for (let seed = 0; seed < 100; seed++) {
      const p = pointOf(rejectOdysseyStep('spatial', ctx(clickAt([0, 1000]), { sigma: 300 }), new DataRng(seed)));
      expect(p[0]).toBeGreaterThanOrEqual(0);
      expect(p[1]).toBeLessThanOrEqual(1000);
    }
  });

  it('with --min-distance ams lands beyond the 0.14 radius and outside sam2_bbox', () => {
    const sam2Bbox: NormBbox = [300, 350, 700, 450];
    for (let seed = 0; seed < 300; seed++) {
      const p = pointOf(
        rejectOdysseyStep('spatial', ctx(clickAt([500, 400]), { minDistance: 'ams', sam2Bbox }), new DataRng(seed)),
      );
      expect(Math.hypot(p[0] - 500, p[1] - 400)).toBeGreaterThan(140);
      const inside = p[0] >= 300 && p[0] <= 700 && p[1] >= 350 && p[1] <= 450;
      expect(inside).toBe(false);
    }
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
