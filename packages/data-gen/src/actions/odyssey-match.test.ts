import { describe, expect, it } from 'vitest';
import { decodeOdysseyAction } from './odyssey-decode.js';
import { matchOdysseyAction, textMatches } from './odyssey-match.js';

/**
 * Each expectation is worked out by hand from the official code (evaluate_GUIOdyssey.py
 * `simple_decode` + GUIOdyssey_action_matching.py); the comment says which rule decides it.
 */
const verdict = (gt: string, pred: string, box?: number[] | null) => matchOdysseyAction(gt, pred, box).verdict;
const BOX = [400, 400, 600, 600];

describe('decodeOdysseyAction (simple_decode)', () => {
  it('splits at the first colon and keeps the argument up to the second', () => {
    expect(decodeOdysseyAction('TYPE: 10:30 meeting')).toEqual({ action: 'TYPE', info: '10' });
    expect(decodeOdysseyAction(' SCROLL :  up ')).toEqual({ action: 'SCROLL', info: 'up' });
    expect(decodeOdysseyAction('TYPE')).toEqual({ action: 'TYPE', info: '' });
    expect(decodeOdysseyAction('CLICK: 1000, 500')).toEqual({ action: 'CLICK', info: [1000, 500] });
    expect(decodeOdysseyAction('PRESS_HOME: now')).toEqual({ action: 'PRESS_HOME', info: 'now' });
  });

  it('raises on a click argument Python cannot evaluate', () => {
    expect(() => decodeOdysseyAction('CLICK: the search button')).toThrow(/SyntaxError/);
    expect(() => decodeOdysseyAction('CLICK:')).toThrow(/SyntaxError/);
  });
});

describe('matchOdysseyAction (the official step rules)', () => {
  it('action names compare exactly: case and spelling matter', () => {
    expect(verdict('PRESS_HOME', 'press_home', [])).toBe('action_fail');
    expect(verdict('CLICK: (500, 500)', 'Click: (500, 500)', BOX)).toBe('action_fail');
    expect(verdict('IMPOSSIBLE', 'COMPLETE', [])).toBe('action_fail');
    // Whitespace around the name is stripped (Python's set: U+0085 and U+001C count) ...
    expect(verdict('TYPE: hello', '\u0085TYPE : hello\u001c', [])).toBe('type_correct');
    // ... a BOM is not whitespace to Python, so the name is "\ufeffTYPE".
    expect(verdict('TYPE: hello', '\ufeffTYPE: hello', [])).toBe('action_fail');
  });

  it('other actions need only the name; any argument is ignored', () => {
    expect(matchOdysseyAction('PRESS_HOME', 'PRESS_HOME: now', [])).toEqual({
      correct: true,
      verdict: 'action_correct',
    });
    expect(verdict('COMPLETE', 'COMPLETE: done', [])).toBe('action_correct');
  });

  it('TYPE reads only the text before a second colon', () => {
    // "10" against "10": contained.
    expect(verdict('TYPE: 10:30 meeting', 'TYPE: 10:45 call', [])).toBe('type_correct');
    // "11" against "10": neither contains the other, 1 - 1/2 = 0.5 >= 0.5.
    expect(verdict('TYPE: 10:30 meeting', 'TYPE: 11:30 meeting', [])).toBe('type_correct');
    // "x" against "10": 1 - 2/2 = 0.
    expect(verdict('TYPE: 10:30 meeting', 'TYPE: x:30 meeting', [])).toBe('type_fail');
  });

  it('TYPE: containment or 1 - Levenshtein / max length >= 0.5, case kept, over code points', () => {
    // A bare TYPE types "", which every text contains.
    expect(verdict('TYPE: pizza', 'TYPE', [])).toBe('type_correct');
    expect(verdict('TYPE: hello', 'TYPE: hello world', [])).toBe('type_correct');
    // abcdef -> abcxyz: 3 of 6 -> exactly 0.5; abwxyz: 4 of 6 -> 0.33.
    expect(verdict('TYPE: abcdef', 'TYPE: abcxyz', [])).toBe('type_correct');
    expect(verdict('TYPE: abcdef', 'TYPE: abwxyz', [])).toBe('type_fail');
    expect(verdict('TYPE: ABCDEF', 'TYPE: abcdef', [])).toBe('type_fail');
    // jazz / Jazz: 1 substitution of 4 -> 0.75.
    expect(verdict('TYPE: jazz', 'TYPE: Jazz', [])).toBe('type_correct');
    // ab😀 / xy😀: 2 of 3 code points -> 0.33 (counted in UTF-16 units it would be 2 of 4 -> 0.5, correct).
    expect(verdict('TYPE: ab😀', 'TYPE: xy😀', [])).toBe('type_fail');
    expect(textMatches('  padded ', 'padded')).toBe(true);
  });

  it('SCROLL: the arguments compare ignoring case', () => {
    expect(verdict('SCROLL: UP', 'SCROLL: up', [])).toBe('scroll_correct');
    expect(verdict('SCROLL: UP', 'SCROLL: DOWN', [])).toBe('scroll_fail');
    expect(verdict('SCROLL: UP', 'SCROLL', [])).toBe('scroll_fail');
  });

  it('CLICK arguments are Python expressions: tuples with or without brackets, lists, comments', () => {
    expect(verdict('CLICK: (1000, 500)', 'CLICK: 1000, 500', [900, 400, 1000, 600])).toBe('click_correct');
    expect(verdict('CLICK: (1000, 500)', 'CLICK: [1000, 500]', null)).toBe('click_correct');
    expect(verdict('CLICK: (500, 500)', 'CLICK: (500, 500) # the button', BOX)).toBe('click_correct');
    // A quoted point is evaluated twice (simple_decode, then click_matching) and is a point.
    expect(verdict('CLICK: (500, 500)', "CLICK: '(500, 500)'", BOX)).toBe('click_correct');
    // Text after a line break is a SyntaxError, as is a missing or empty argument.
    expect(verdict('CLICK: (500, 500)', 'CLICK: (500, 500)\nthe button', BOX)).toBe('invalid');
    expect(verdict('CLICK: (500, 500)', 'CLICK', BOX)).toBe('invalid');
    expect(verdict('CLICK: (500, 500)', 'CLICK:', BOX)).toBe('invalid');
    expect(matchOdysseyAction('CLICK: (500, 500)', 'CLICK: the OK button', BOX)).toEqual({
      correct: false,
      verdict: 'invalid',
      reason: expect.stringMatching(/^SyntaxError/),
    });
  });

  it('CLICK: inside sam2_bbox (edges included) or within 0.14, decimals as given', () => {
    // 3-4-5: (84, 112) away is exactly 140 -> within; (85, 112) is 140.6.
    expect(verdict('CLICK: (500, 500)', 'CLICK: (584, 612)', null)).toBe('click_correct');
    expect(verdict('CLICK: (500, 500)', 'CLICK: (585, 612)', null)).toBe('click_fail');
    // 140.4 away: wrong; rounding to 640 first would make it exactly 140, right.
    expect(verdict('CLICK: (500, 500)', 'CLICK: (640.4, 500)', null)).toBe('click_fail');
    expect(verdict('CLICK: (500, 500)', 'CLICK: (639.6, 500)', null)).toBe('click_correct');
    // Just outside the box's right edge (900.4 > 900) and far from the point; 900 would be inside.
    expect(verdict('CLICK: (150, 150)', 'CLICK: (900.4, 200)', [100, 100, 900, 200])).toBe('click_fail');
    expect(verdict('CLICK: (150, 150)', 'CLICK: (900, 200)', [100, 100, 900, 200])).toBe('click_correct');
    // Outside the box but within the radius still counts.
    expect(verdict('CLICK: (150, 150)', 'CLICK: (150, 250)', [100, 100, 900, 200])).toBe('click_correct');
    expect(verdict('LONG_PRESS: (10, 10)', 'LONG_PRESS: (20, 20)', null)).toBe('click_correct');
  });

  it('CLICK with an empty sam2_bbox raises in the official code: invalid, even on the exact point', () => {
    expect(verdict('CLICK: (500, 500)', 'CLICK: (500, 500)', [])).toBe('invalid');
    expect(verdict('LONG_PRESS: (10, 10)', 'LONG_PRESS: (20, 20)', [])).toBe('invalid');
    // The names are compared first: a different action is still action_fail.
    expect(verdict('CLICK: (500, 500)', 'TYPE: x', [])).toBe('action_fail');
  });

  it('follows Python and numpy on arguments that are not two numbers', () => {
    // (1) is the number 1: with a box, 1[0] raises; without, numpy broadcasts 1 against (1, 1).
    expect(verdict('CLICK: (1, 1)', 'CLICK: (1)', [0, 0, 10, 10])).toBe('invalid');
    expect(verdict('CLICK: (1, 1)', 'CLICK: (1)', null)).toBe('click_correct');
    // (2000,): 0 <= 2000 <= 1000 is false, so pred[1] is never read; (2000,) broadcasts to (2000, 2000): far.
    expect(verdict('CLICK: (500, 500)', 'CLICK: (2000,)', [0, 0, 1000, 1000])).toBe('click_fail');
    // (500,): x is inside, so pred[1] is read and raises IndexError.
    expect(verdict('CLICK: (500, 500)', 'CLICK: (500,)', [0, 0, 1000, 1000])).toBe('invalid');
    // A third value is never read inside the box; outside, shapes (3,) and (2,) do not broadcast.
    expect(verdict('CLICK: (500, 500)', "CLICK: (500, 500, 'x')", BOX)).toBe('click_correct');
    expect(verdict('CLICK: (500, 500)', "CLICK: (700, 500, 'x')", BOX)).toBe('invalid');
    // [[500, 500]]: comparing a list with a number raises; without a box it is one point of a (1, 2) array.
    expect(verdict('CLICK: (500, 500)', 'CLICK: [[500, 500]]', BOX)).toBe('invalid');
    expect(verdict('CLICK: (500, 500)', 'CLICK: [[500, 500]]', null)).toBe('click_correct');
    expect(verdict('CLICK: (500, 500)', 'CLICK: (None, 500)', BOX)).toBe('invalid');
    expect(verdict('CLICK: (500, 500)', 'CLICK: (True, 500)', null)).toBe('click_fail'); // True is 1
  });
});
