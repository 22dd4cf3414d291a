import { describe, expect, it } from 'vitest';
import { formatOdysseyAction } from '../actions/odyssey.js';
import { typedTextMatches } from './dpo-strategies.js';
import type { OdysseyStep } from './episode-schema.js';
import { stepAction } from './step-action.js';

const step = (action: string, info: OdysseyStep['info']): OdysseyStep => ({
  step: 0,
  screenshot: 'e_0.png',
  action,
  info,
});
const official = (action: string, info: OdysseyStep['info']) =>
  formatOdysseyAction(stepAction(step(action, info)).action);

describe('stepAction: episode steps in the official action strings (decode_action in format_converter.py)', () => {
  it.each([
    ['CLICK', [[250, 400]], 'CLICK: (250, 400)'],
    // Decimals are written as given (the converter formats tuple(info[0])).
    ['CLICK', [[250.4, 399.6]], 'CLICK: (250.4, 399.6)'],
    // More than one point: the converter uses the first.
    [
      'CLICK',
      [
        [120, 340],
        [125, 345],
      ],
      'CLICK: (120, 340)',
    ],
    ['CLICK', 'KEY_HOME', 'PRESS_HOME'],
    ['CLICK', 'KEY_BACK', 'PRESS_BACK'],
    ['CLICK', 'KEY_APPSELECT', 'PRESS_RECENT'],
    // The converter maps the keys for LONG_PRESS too.
    ['LONG_PRESS', 'KEY_HOME', 'PRESS_HOME'],
    ['LONG_PRESS', 'KEY_BACK', 'PRESS_BACK'],
    ['LONG_PRESS', 'KEY_APPSELECT', 'PRESS_RECENT'],
    ['LONG_PRESS', [[10, 990]], 'LONG_PRESS: (10, 990)'],
    [
      'SCROLL',
      [
        [500, 800],
        [500, 200],
      ],
      'SCROLL: UP',
    ],
    [
      'SCROLL',
      [
        [500, 200],
        [500, 800],
      ],
      'SCROLL: DOWN',
    ],
    [
      'SCROLL',
      [
        [800, 500],
        [100, 520],
      ],
      'SCROLL: LEFT',
    ],
    [
      'SCROLL',
      [
        [100, 500],
        [800, 450],
      ],
      'SCROLL: RIGHT',
    ],
    // |dx| == |dy|: vertical; no movement: DOWN (dy < 0 is false).
    [
      'SCROLL',
      [
        [100, 100],
        [200, 200],
      ],
      'SCROLL: DOWN',
    ],
    ['TEXT', 'weather in Paris', 'TYPE: weather in Paris'],
    ['TEXT', '10:30 meeting', 'TYPE: 10:30 meeting'],
    ['TYPE', 'abc', 'TYPE: abc'],
    ['COMPLETE', '', 'COMPLETE'],
    ['INCOMPLETE', '', 'IMPOSSIBLE'],
    ['HOME', '', 'PRESS_HOME'],
    ['BACK', '', 'PRESS_BACK'],
  ] as [string, OdysseyStep['info'], string][])('%s %j -> %s', (action, info, want) => {
    expect(official(action, info)).toBe(want);
  });

  it('says which field is wrong and what was expected', () => {
    expect(() => stepAction(step('CLICK', 'KEY_MENU'))).toThrow(
      'info: expected [[x, y]] or one of KEY_HOME, KEY_BACK, KEY_APPSELECT, got "KEY_MENU"',
    );
    expect(() => stepAction(step('LONG_PRESS', 'KEY_MENU'))).toThrow(/^info: expected \[\[x, y\]\]/);
    expect(() => stepAction(step('CLICK', []))).toThrow('info: expected at least one point [[x, y]] for CLICK, got []');
    expect(() => stepAction(step('SCROLL', [[1, 2]]))).toThrow(/^info: expected \[\[x1, y1\], \[x2, y2\]\] for SCROLL/);
    expect(() =>
      stepAction(
        step('SCROLL', [
          [500, 640],
          [500, 640],
        ]),
      ),
    ).toThrow('info: a SCROLL needs two different points (start, end), got [[500,640],[500,640]]');
    expect(() => stepAction(step('TEXT', [[1, 2]]))).toThrow(/^info: expected the typed text for TEXT/);
    expect(() => stepAction(step('SWIPE', ''))).toThrow(
      /^action: expected CLICK, LONG_PRESS, SCROLL, TEXT, .* got "SWIPE"/,
    );
  });
});

describe('TYPE text matching for rejections (AMS rule on the part the parser reads, case-folded)', () => {
  it('accepts containment or similarity >= 0.5, case-insensitively', () => {
    expect(typedTextMatches('hello', 'Hello world')).toBe(true);
    expect(typedTextMatches('abcd', 'abxd')).toBe(true); // 1 - 1/4
    expect(typedTextMatches('abcd', 'abxy')).toBe(true); // 1 - 2/4 = 0.5
    expect(typedTextMatches('abcd', 'axyz')).toBe(false); // 1 - 3/4
    expect(typedTextMatches('sunset', 'usb c cable')).toBe(false);
    // Only the text before a second colon is read: "10" and "10".
    expect(typedTextMatches('10:30 meeting', '10:45 call')).toBe(true);
  });
});
