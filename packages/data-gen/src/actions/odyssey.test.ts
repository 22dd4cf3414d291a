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

  it('reads strings the way the official evaluator does', () => {
    expect(parseOdysseyAction('CLICK:(1,2)')).toEqual({ type: 'CLICK', point: [1, 2] });
    expect(parseOdysseyAction('CLICK: 1000, 500')).toEqual({ type: 'CLICK', point: [1000, 500] });
    expect(parseOdysseyAction('CLICK: [1000, 500]')).toEqual({ type: 'CLICK', point: [1000, 500] });
    expect(parseOdysseyAction('LONG_PRESS: (250.4, 399.6)')).toEqual({ type: 'LONG_PRESS', point: [250.4, 399.6] });
    expect(parseOdysseyAction(' SCROLL: left ')).toEqual({ type: 'SCROLL', direction: 'LEFT' });
    expect(parseOdysseyAction('TYPE: 10:30 meeting')).toEqual({ type: 'TYPE', text: '10' });
    expect(parseOdysseyAction('TYPE')).toEqual({ type: 'TYPE', text: '' });
    expect(parseOdysseyAction('PRESS_HOME: now')).toEqual({ type: 'PRESS_HOME' });
  });

  it('rejects what is none of the nine actions', () => {
    for (const bad of [
      'click: (1, 2)', // names are case-sensitive
      'Click: (1, 2)',
      'press_home',
      'TEXT: abc', // the episode files' name, not an action string
      'CLICK: (1)',
      'CLICK: (1, 2, 3)',
      'CLICK: the button',
      'SCROLL: SIDEWAYS',
      'tap (1,2)',
      '',
      'PRESS_MENU',
    ]) {
      expect(parseOdysseyAction(bad), bad).toBeUndefined();
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
