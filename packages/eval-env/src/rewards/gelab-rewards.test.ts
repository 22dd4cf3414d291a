import { describe, expect, it } from 'vitest';
import { COMPLETE_TEXT, clickText, tinyWorld } from '../test-utils/tiny-world.js';
import {
  a2b,
  a2bWo,
  formatConstraint,
  GELAB_REWARD_NAMES,
  gelabRewards,
  softA2b,
  webActionMatch,
  webCoordinateMatch,
  webCoordinateMatchBbox,
  webIntentMatch,
} from './gelab-rewards.js';

// Expectations are worked out by hand from the published definitions (GE-Lab swift/plugin/orm.py);
// the world is the hand-made tiny world: page_0 -A_1-> page_1 -C_3-> page_3, page_1 -D_4-> page_4,
// page_0 -B_2-> page_2, back/home edges as GE-Lab adds them.
const world = tinyWorld();
const PROMPT = '<image>Instruction: from page_0 to page_3. History: Null';
const click = (x: number, y: number, icon = 'A_1', page = 'page_0') => clickText(icon, page, x, y);
const single = (completion: string, solution: string, bboxNorm?: number[]) => ({
  completion,
  solution,
  prompt: PROMPT,
  ...(bboxNorm ? { bboxNorm } : {}),
});

describe('web_action_match', () => {
  it('compares the word after \\tAction:', () => {
    expect(webActionMatch(single(click(1, 2), click(300, 400)))).toBe(1);
    expect(webActionMatch(single(COMPLETE_TEXT, click(300, 400)))).toBe(0);
    expect(webActionMatch(single(COMPLETE_TEXT, COMPLETE_TEXT))).toBe(1);
    // the tab is part of the pattern: "Action:" after a space is no action
    expect(webActionMatch(single('Explain: x. Action: complete', COMPLETE_TEXT))).toBe(0);
  });

  it('scores the text after the last </think>', () => {
    const thought = `<think>maybe\tAction: complete</think><think>no</think>${click(1, 2)}`;
    expect(webActionMatch(single(thought, click(300, 400)))).toBe(1);
    expect(webActionMatch(single(thought, COMPLETE_TEXT))).toBe(0);
  });
});

describe('web_coordinate_match', () => {
  it('accepts a click within 5% of the solution point distance from the origin, edge included', () => {
    // |(300,400)| = 500: tolerance 25; (320,415) is exactly 25 away, (321,415) is 25.8
    expect(webCoordinateMatch(single(click(320, 415), click(300, 400)))).toBe(1);
    expect(webCoordinateMatch(single(click(321, 415), click(300, 400)))).toBe(0);
    // |(30,40)| = 50: tolerance 2.5, so the same 3-unit miss fails near the origin
    expect(webCoordinateMatch(single(click(32, 41), click(30, 40)))).toBe(1);
    expect(webCoordinateMatch(single(click(33, 40), click(30, 40)))).toBe(0);
    expect(webCoordinateMatch(single(click(303, 400), click(300, 400)))).toBe(1);
  });

  it('takes the first (x, y) of each, a space allowed after the comma, and ignores the icon', () => {
    const spaced = "Explain:click B_2 icon on page_0.\tAction: click(start_box='<|box_start|>(310, 400)<|box_end|>')";
    expect(webCoordinateMatch(single(spaced, click(300, 400)))).toBe(1);
    expect(webCoordinateMatch(single(`Explain:(0,0) is bad.${click(300, 400).slice(8)}`, click(300, 400)))).toBe(0);
  });

  it('gives 1 to any other matching action, 0 to a mismatch or a click without a point', () => {
    expect(webCoordinateMatch(single(COMPLETE_TEXT, COMPLETE_TEXT))).toBe(1);
    expect(webCoordinateMatch(single(COMPLETE_TEXT, click(300, 400)))).toBe(0);
    expect(webCoordinateMatch(single('Explain:click A_1 icon on page_0.\tAction: click()', click(300, 400)))).toBe(0);
  });
});

describe('web_coordinate_match_bbox', () => {
  const A1 = [207, 222, 377, 300];
  it('scores 1 for an empty box, whatever the answer', () => {
    expect(webCoordinateMatchBbox(single('hello', click(300, 260), []))).toBe(1);
  });

  it('needs the same action and the first point inside the box, edges included', () => {
    expect(webCoordinateMatchBbox(single(click(207, 300), click(300, 260), A1))).toBe(1);
    expect(webCoordinateMatchBbox(single(click(377, 222), click(300, 260), A1))).toBe(1);
    expect(webCoordinateMatchBbox(single(click(206, 260), click(300, 260), A1))).toBe(0);
    expect(webCoordinateMatchBbox(single(click(300, 301), click(300, 260), A1))).toBe(0);
    expect(webCoordinateMatchBbox(single(COMPLETE_TEXT, click(300, 260), A1))).toBe(0);
  });

  it("gives a complete step with data-gen's [0,0,0,0] box 0 (a complete answer has no point)", () => {
    expect(webCoordinateMatchBbox(single(COMPLETE_TEXT, COMPLETE_TEXT, [0, 0, 0, 0]))).toBe(0);
  });

  it('refuses a record without bbox_norm', () => {
    expect(() => webCoordinateMatchBbox(single(click(1, 1), click(1, 1)))).toThrow(/no bbox_norm/);
  });
});

describe('web_intent_match', () => {
  it('complete: the explanation says "target page", in any case', () => {
    expect(webIntentMatch(single('Explain: This is the TARGET Page.\tAction: complete', COMPLETE_TEXT))).toBe(1);
    expect(webIntentMatch(single('Explain: done.\tAction: complete', COMPLETE_TEXT))).toBe(0);
  });

  it('click: the same icon named, whatever the point; no explanation scores 0', () => {
    expect(webIntentMatch(single(click(900, 900), click(300, 260)))).toBe(1);
    expect(webIntentMatch(single(click(300, 260, 'B_2'), click(300, 260)))).toBe(0);
    expect(webIntentMatch(single(click(300, 260).replace('Explain:', ''), click(300, 260)))).toBe(0);
    expect(webIntentMatch(single(COMPLETE_TEXT, click(300, 260)))).toBe(0);
  });
});

describe('format_constraint', () => {
  it('accepts the two answer forms exactly, after stripping', () => {
    expect(formatConstraint(single(click(12, 345), ''))).toBe(1);
    expect(formatConstraint(single(COMPLETE_TEXT, ''))).toBe(1);
    expect(formatConstraint(single(`  ${click(12, 345)}\n`, ''))).toBe(1);
    expect(formatConstraint(single(click(12, 345).replace('(12,345)', '(12, 345)'), ''))).toBe(1);
    expect(formatConstraint(single(click(12, 345).replace('Explain', 'explain'), ''))).toBe(1);
  });

  it('allows one <think>...</think> on one line before the answer', () => {
    expect(formatConstraint(single(`<think>go home</think>\n${COMPLETE_TEXT}`, ''))).toBe(1);
    expect(formatConstraint(single(`<think>go\nhome</think>${COMPLETE_TEXT}`, ''))).toBe(0);
  });

  it('refuses anything else', () => {
    expect(formatConstraint(single(`${click(12, 345)} thanks`, ''))).toBe(0);
    expect(formatConstraint(single(click(12, 345).replace('<|box_start|>', ''), ''))).toBe(0);
    expect(formatConstraint(single(click(12, 345).replace('\t', ' '), ''))).toBe(0);
    expect(formatConstraint(single('Explain: this is target page.\tAction: COMPLETE', ''))).toBe(0);
    expect(formatConstraint(single(click(12, 345).replace('(12,345)', '(12,)'), ''))).toBe(0);
  });
});

describe('a2b, a2b_wo and soft_a2b (multi-turn, on the world)', () => {
  const toPage3 = (history: string) => `<image>Instruction: from page_0 to page_3. History: ${history}`;
  const twoSteps = 'step1: click A_1 icon on page_0.step2: click C_3 icon on page_1';

  it("a2b: says complete and the history's last step leads to the target", () => {
    const score = a2b(world);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage3(twoSteps) })).toBe(1);
    // "complete" anywhere counts; the last step decides, not the first
    expect(score({ completion: 'not complete yet', prompt: toPage3(twoSteps) })).toBe(1);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage3('step1: click A_1 icon on page_0') })).toBe(0);
    expect(score({ completion: click(1, 1, 'C_3', 'page_1'), prompt: toPage3(twoSteps) })).toBe(0);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage3('Null') })).toBe(0);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage3('step1: click C_3 icon on page_0') })).toBe(0);
  });

  it('a2b_wo: the icon the completion names on the page it names leads to the target (the point is not read)', () => {
    const score = a2bWo(world);
    const prompt = toPage3('step1: click A_1 icon on page_0');
    expect(score({ completion: click(1, 1, 'C_3', 'page_1'), prompt })).toBe(1);
    expect(score({ completion: click(1, 1, 'D_4', 'page_1'), prompt })).toBe(0);
    expect(score({ completion: click(1, 1, 'C_3', 'page_0'), prompt })).toBe(0);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage3(twoSteps) })).toBe(0);
  });

  it('soft_a2b: 1 on the target, else exp(-distance) over every edge, 0 when nothing is reached', () => {
    const score = softA2b(world);
    const toPage4 = (history: string) => `<image>Instruction: from page_2 to page_4. History: ${history}`;
    expect(score({ completion: click(1, 1, 'D_4', 'page_1'), prompt: toPage4('Null') })).toBe(1);
    // page_3 -> page_4: back to page_1, then D_4
    expect(score({ completion: click(1, 1, 'C_3', 'page_1'), prompt: toPage4('Null') })).toBeCloseTo(Math.exp(-2), 15);
    // complete: the history's last step (A_1 on page_0 reaches page_1, one click from page_4)
    const history = 'step1: click back icon on page_2.step2: click A_1 icon on page_0';
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage4(history) })).toBeCloseTo(Math.exp(-1), 15);
    expect(score({ completion: COMPLETE_TEXT, prompt: toPage4('Null') })).toBe(0);
    expect(score({ completion: click(1, 1, 'Deco_9', 'page_0'), prompt: toPage4('Null') })).toBe(0);
  });
});

describe('gelabRewards', () => {
  it('gives the functions by their published names, in order', () => {
    expect(gelabRewards(['web_intent_match', 'a2b'], { world }).map((r) => r.name)).toEqual([
      'web_intent_match',
      'a2b',
    ]);
    expect(GELAB_REWARD_NAMES).toHaveLength(8);
  });

  it('names what exists on an unknown name, and asks for the world where a reward needs it', () => {
    expect(() => gelabRewards(['accuracy'])).toThrow(
      /unknown reward function "accuracy"; GE-Lab's are web_action_match,/,
    );
    expect(() => gelabRewards(['soft_a2b'])).toThrow(/soft_a2b reads the world's transitions/);
    expect(() => gelabRewards([])).toThrow(/no reward functions/);
  });
});
