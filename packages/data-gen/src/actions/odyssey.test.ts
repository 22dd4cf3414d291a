import { describe, expect, it } from 'vitest';
import { formatOdysseyAction, type OdysseyAction, parseOdysseyAction, scrollDirection } from './odyssey.js';

describe('GUI-Odyssey action strings', () => {
  const all: [OdysseyAction, string][] = [
    [{ type: 'CLICK', point: [250, 400] }, 'CLICK: (250, 400)'],
    [{ type: 'LONG_PRESS', point: [0, 1000] }, 'LONG_PRESS: (0, 1000)'],
    [{ type: 'SCROLL', direction: 'UP' }, 'SCROLL: UP'],
    [{ type: 'TYPE', text: 'hello world' }, 'TYPE: hello world'],
    [{ type: 'PRESS_HOME' }, 'PRESS_HOME'],
    [{ type: 'PRESS_BACK' }, 'PRESS_BACK'],
    [{ type: 'PRESS_RECENT' }, 'PRESS_RECENT'],
    [{ type: 'COMPLETE' }, 'COMPLETE'],
    [{ type: 'IMPOSSIBLE' }, 'IMPOSSIBLE'],
  ];
  it.each(all)('formats and parses %j', (action, text) => {
    expect(formatOdysseyAction(action)).toBe(text);
    expect(parseOdysseyAction(text)).toEqual(action);
  });

  it('is lenient about spacing, case and the TEXT alias, and unquotes a quoted text', () => {
    expect(parseOdysseyAction('click:(1,2)')).toEqual({ type: 'CLICK', point: [1, 2] });
    expect(parseOdysseyAction(' scroll: left ')).toEqual({ type: 'SCROLL', direction: 'LEFT' });
    expect(parseOdysseyAction('TEXT: abc')).toEqual({ type: 'TYPE', text: 'abc' });
    expect(parseOdysseyAction('TYPE: "quoted"')).toEqual({ type: 'TYPE', text: 'quoted' });
  });

  it('rejects what is not in the grammar', () => {
    for (const bad of ['CLICK: 1, 2', 'SCROLL: SIDEWAYS', 'tap (1,2)', '', 'PRESS_MENU']) {
      expect(parseOdysseyAction(bad)).toBeUndefined();
    }
  });

  it('derives the scroll direction from the finger movement', () => {
    expect(scrollDirection([500, 800], [500, 200])).toBe('UP');
    expect(scrollDirection([500, 200], [500, 800])).toBe('DOWN');
    expect(scrollDirection([800, 500], [100, 520])).toBe('LEFT');
    expect(scrollDirection([100, 500], [800, 450])).toBe('RIGHT');
    expect(scrollDirection([100, 100], [200, 200])).toBe('DOWN'); // |dx| == |dy|: vertical
  });
});
