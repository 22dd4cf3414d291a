import { describe, expect, it } from 'vitest';
import { gelabHistory, gelabMessages, gelabUserPrompt, hasGelabTextView } from './gelab.js';

describe('GE-Lab prompts', () => {
  it('writes History: Null on the first step', () => {
    expect(gelabUserPrompt({ source: 'page_3', target: 'page_12', history: [] })).toBe(
      '<image>Instruction: from page_3 to page_12. History: Null',
    );
  });

  it('writes later histories as in the released rollout code', () => {
    expect(gelabHistory([{ icon: 'home', page: 'page_161' }])).toBe('step1: click home icon on page_161.');
    expect(
      gelabHistory([
        { icon: 'A', page: 'page_3' },
        { icon: 'B', page: 'page_9' },
      ]),
    ).toBe('step1: click A icon on page_3.step2: click B icon on page_9.');
  });

  it("writes the RL rollout history as GE-Lab's multi_turn.py builds it: joined with '.', no final period", () => {
    // multi_turn.py: f"{history}.{next_step}" on "Null", then .replace("Null.", "")
    const steps = [
      { icon: 'A', page: 'page_3' },
      { icon: 'B', page: 'page_9' },
    ];
    expect(gelabHistory([], 'rollout')).toBe('Null');
    expect(gelabHistory(steps.slice(0, 1), 'rollout')).toBe('step1: click A icon on page_3');
    expect(gelabUserPrompt({ source: 'page_3', target: 'page_12', history: steps, historyStyle: 'rollout' })).toBe(
      '<image>Instruction: from page_3 to page_12. History: step1: click A icon on page_3.step2: click B icon on page_9',
    );
  });

  it('puts the element list before the task in text mode and requires the screen', () => {
    const screen = {
      page: 'page_3',
      elements: [{ name: 'back', bbox: [51, 23, 221, 102] as [number, number, number, number] }],
    };
    expect(gelabUserPrompt({ source: 'page_3', target: 'page_0', history: [], mode: 'text', screen })).toBe(
      'Screen: page_3\nElements (name [x1,y1,x2,y2], 0-1000 scale):\nback [51,23,221,102]\nInstruction: from page_3 to page_0. History: Null',
    );
    expect(() => gelabUserPrompt({ source: 'a', target: 'b', history: [], mode: 'both' })).toThrow(/needs the screen/);
  });

  it('tells prompts that show the screen as text from image-only ones', () => {
    const screen = { page: 'page_3', elements: [] };
    const prompt = (mode: 'image' | 'text' | 'both') =>
      gelabUserPrompt({ source: 'page_3', target: 'page_0', history: [], mode, screen });
    expect([prompt('image'), prompt('text'), prompt('both')].map(hasGelabTextView)).toEqual([false, true, true]);
    expect(hasGelabTextView('<image>\nUser: open the Screen: settings\nModel:')).toBe(false);
  });

  it('builds ms-swift messages with an optional system turn', () => {
    const m = gelabMessages({ source: 'page_1', target: 'page_2', history: [] }, 'ans');
    expect(m.map((x) => x.role)).toEqual(['user', 'assistant']);
    expect(gelabMessages({ source: 'page_1', target: 'page_2', history: [], system: true })[0]?.role).toBe('system');
  });
});
