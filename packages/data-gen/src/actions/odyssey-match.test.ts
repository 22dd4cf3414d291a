import { describe, expect, it } from 'vitest';
import { type OdysseyAction, parseOdysseyAction } from './odyssey.js';
import { matchOdysseyStep, textMatches } from './odyssey-match.js';

const act = (text: string): OdysseyAction => {
  const parsed = parseOdysseyAction(text);
  if (!parsed) throw new Error(`test action "${text}" does not parse`);
  return parsed;
};
const match = (gt: string, pred: string, box?: [number, number, number, number]) =>
  matchOdysseyStep(act(gt), parseOdysseyAction(pred), box);

describe('matchOdysseyStep (published AMS rules)', () => {
  it('CLICK: within 0.14 of the ground truth, boundary included (3-4-5: 84, 112 -> exactly 140)', () => {
    expect(match('CLICK: (500, 500)', 'CLICK: (584, 612)')).toEqual({ correct: true, verdict: 'click_correct' });
    expect(match('CLICK: (500, 500)', 'CLICK: (360, 500)').correct).toBe(true);
    // sqrt(85^2 + 112^2) = 140.6 > 140.
    expect(match('CLICK: (500, 500)', 'CLICK: (585, 612)')).toEqual({ correct: false, verdict: 'click_fail' });
    expect(match('CLICK: (500, 500)', 'CLICK: (641, 500)').correct).toBe(false);
  });

  it('CLICK: inside sam2_bbox counts even far from the point, edges included', () => {
    const box: [number, number, number, number] = [100, 100, 900, 200];
    expect(match('CLICK: (150, 150)', 'CLICK: (900, 200)', box).correct).toBe(true);
    expect(match('CLICK: (150, 150)', 'CLICK: (901, 200)', box).correct).toBe(false);
    // Outside the box but within the radius still counts.
    expect(match('CLICK: (150, 150)', 'CLICK: (150, 250)', box).correct).toBe(true);
  });

  it('LONG_PRESS follows the click rule; a different type is action_fail', () => {
    expect(match('LONG_PRESS: (10, 10)', 'LONG_PRESS: (20, 20)').correct).toBe(true);
    expect(match('LONG_PRESS: (10, 10)', 'CLICK: (10, 10)')).toEqual({ correct: false, verdict: 'action_fail' });
  });

  it('TYPE: containment either way, or 1 - Levenshtein/max >= 0.5 (boundary included)', () => {
    expect(match('TYPE: hello', 'TYPE: hello world')).toEqual({ correct: true, verdict: 'type_correct' });
    expect(match('TYPE: hello world', 'TYPE: world').correct).toBe(true);
    // abcdef -> abcxyz: 3 substitutions of 6 -> similarity exactly 0.5.
    expect(match('TYPE: abcdef', 'TYPE: abcxyz').correct).toBe(true);
    // abcdef -> abwxyz: 4 of 6 -> 0.33.
    expect(match('TYPE: abcdef', 'TYPE: abwxyz')).toEqual({ correct: false, verdict: 'type_fail' });
    // Case is kept: ABCDEF vs abcdef differ in all 6.
    expect(match('TYPE: ABCDEF', 'TYPE: abcdef').correct).toBe(false);
    // TEXT is another converter's name for TYPE; quotes are the seed's and are dropped.
    expect(match('TYPE: coffee', 'TEXT: "coffee"').correct).toBe(true);
    expect(textMatches('  padded ', 'padded')).toBe(true);
  });

  it('SCROLL: same direction, case-insensitive', () => {
    expect(match('SCROLL: UP', 'scroll: up')).toEqual({ correct: true, verdict: 'scroll_correct' });
    expect(match('SCROLL: UP', 'SCROLL: DOWN')).toEqual({ correct: false, verdict: 'scroll_fail' });
  });

  it('PRESS_* / COMPLETE / IMPOSSIBLE: the type is enough', () => {
    expect(match('PRESS_HOME', 'PRESS_HOME')).toEqual({ correct: true, verdict: 'action_correct' });
    expect(match('PRESS_HOME', 'PRESS_BACK').correct).toBe(false);
    expect(match('COMPLETE', 'complete').correct).toBe(true);
    expect(match('IMPOSSIBLE', 'COMPLETE').correct).toBe(false);
  });

  it('unparseable predictions are wrong', () => {
    expect(match('CLICK: (1, 1)', 'tap the button')).toEqual({ correct: false, verdict: 'invalid' });
    expect(match('CLICK: (1, 1)', 'CLICK: (1)')).toEqual({ correct: false, verdict: 'invalid' });
  });
});
