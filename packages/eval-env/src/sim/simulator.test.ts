import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPLETE_TEXT, clickText, tinyWorld } from '../test-utils/tiny-world.js';
import { hitTest, pageScreen } from './screen.js';
import { Simulator } from './simulator.js';

const world = tinyWorld();
const textSim = (options: ConstructorParameters<typeof Simulator>[1] = {}) =>
  new Simulator(world, { observation: 'text', ...options });

describe('pageScreen / hitTest', () => {
  it('normalises boxes against the original canvas, in layout order', () => {
    expect(pageScreen(world, 'page_1').elements).toEqual([
      { name: 'back', bbox: [51, 23, 221, 102] },
      { name: 'C_3', bbox: [402, 312, 572, 390] },
      { name: 'D_4', bbox: [292, 313, 461, 391] },
    ]);
  });

  it('is inclusive on every edge and lets the last element win an overlap', () => {
    const { elements } = pageScreen(world, 'page_1');
    expect(hitTest(elements, [402, 312])?.name).toBe('C_3');
    expect(hitTest(elements, [572, 390])?.name).toBe('C_3');
    expect(hitTest(elements, [573, 390])).toBeUndefined();
    expect(hitTest(elements, [430, 350])?.name).toBe('D_4');
    expect(hitTest(elements, [500, 350])?.name).toBe('C_3');
  });
});

describe('Simulator', () => {
  it('starts on the source with History: Null and the published instruction', () => {
    const sim = textSim();
    const obs = sim.reset({ source: 'page_0', target: 'page_3' });
    expect(obs.page).toBe('page_0');
    expect(obs.step).toBe(0);
    expect(obs.instruction).toBe('Instruction: from page_0 to page_3.');
    expect(obs.history).toBe('Null');
    expect(obs.screenshot).toBeUndefined();
    expect(obs.textView).toBe(
      'Screen: page_0\nElements (name [x1,y1,x2,y2], 0-1000 scale):\n' +
        'A_1 [207,222,377,300]\nB_2 [402,222,572,300]\nDeco_9 [597,222,767,300]',
    );
    expect(obs.messages).toEqual([
      { role: 'user', content: `${obs.textView}\nInstruction: from page_0 to page_3. History: Null` },
    ]);
  });

  it("under GE-Lab's RL rollout rule, every answer adds a step naming the answer's icon, joined without a final period", () => {
    const sim = textSim({ history: 'rollout', maxSteps: 8 });
    sim.reset({ source: 'page_0', target: 'page_3' });
    // Names B_2 but hits A_1: the page follows the hit, the history the name (multi_turn.py: split(" ")[1]).
    const moved = sim.step(clickText('B_2', 'page_0', 207, 300));
    expect(moved.record).toMatchObject({ outcome: 'moved', icon: 'A_1', nextPage: 'page_1' });
    expect(moved.observation.history).toBe('step1: click B_2 icon on page_0');
    // A miss stays on the page but is written too; so is an answer that is not an action ("None": no second word).
    const missed = sim.step(clickText('C_3', 'page_1', 10, 990));
    expect(missed.record.outcome).toBe('miss');
    const garbled = sim.step('garbage');
    expect(garbled.record.outcome).toBe('unparseable');
    expect(garbled.observation.page).toBe('page_1');
    expect(garbled.observation.messages.at(-1)?.content).toMatch(
      /Instruction: from page_0 to page_3\. History: step1: click B_2 icon on page_0\.step2: click C_3 icon on page_1\.step3: click None icon on page_1$/,
    );
    expect(sim.step(COMPLETE_TEXT)).toMatchObject({ done: true, success: false });
    expect(sim.trajectory().steps).toHaveLength(4);
  });

  it('follows a click, and the history names the icon actually hit and the page it was on', () => {
    const sim = textSim();
    sim.reset({ source: 'page_0', target: 'page_3' });
    // The explanation names the wrong icon; the history records what the click hit.
    const r = sim.step(clickText('B_2', 'page_0', 207, 300));
    expect(r.record).toMatchObject({ step: 1, page: 'page_0', outcome: 'moved', icon: 'A_1', nextPage: 'page_1' });
    expect(r.observation.page).toBe('page_1');
    expect(r.observation.history).toBe('step1: click A_1 icon on page_0.');
    const r2 = sim.step(clickText('C_3', 'page_1', 500, 350));
    expect(r2.observation.history).toBe('step1: click A_1 icon on page_0.step2: click C_3 icon on page_1.');
    expect(r2.observation.messages[0]?.content).toMatch(
      /\nInstruction: from page_0 to page_3\. History: step1: click A_1 icon on page_0\.step2: click C_3 icon on page_1\.$/,
    );
  });

  it('records misses, unparseable answers and dead icons without changing page or history', () => {
    const sim = textSim();
    sim.reset({ source: 'page_0', target: 'page_3' });
    const miss = sim.step(clickText('A_1', 'page_0', 206, 222));
    expect(miss.record).toMatchObject({ outcome: 'miss', point: [206, 222], nextPage: 'page_0' });
    const garbage = sim.step('I would tap the first icon');
    expect(garbage.record.outcome).toBe('unparseable');
    expect(garbage.record.error).toMatch(/no click coordinates/);
    const dead = sim.step(clickText('Deco_9', 'page_0', 600, 250));
    expect(dead.record).toMatchObject({ outcome: 'no-transition', icon: 'Deco_9', nextPage: 'page_0' });
    expect(dead.observation).toMatchObject({ page: 'page_0', step: 3, history: 'Null' });
    expect(dead.done).toBe(false);
  });

  it('with-complete: success only when complete is said on the target page', () => {
    const sim = textSim();
    sim.reset({ source: 'page_0', target: 'page_1' });
    const moved = sim.step(clickText('A_1', 'page_0', 300, 260));
    expect(moved.done).toBe(false);
    const done = sim.step(COMPLETE_TEXT);
    expect(done).toMatchObject({ done: true, success: true });
    expect(sim.trajectory()).toMatchObject({ endReason: 'complete', finalPage: 'page_1', success: true });
    expect(() => sim.step(COMPLETE_TEXT)).toThrow(/episode is over/);

    sim.reset({ source: 'page_0', target: 'page_3' });
    expect(sim.step(COMPLETE_TEXT)).toMatchObject({ done: true, success: false });
  });

  it('click-only: the click that reaches the target ends the episode successfully', () => {
    const sim = textSim({ variant: 'click-only' });
    sim.reset({ source: 'page_3', target: 'page_0' });
    const r = sim.step(clickText('home', 'page_3', 779, 23));
    expect(r).toMatchObject({ done: true, success: true });
    expect(sim.trajectory().endReason).toBe('target-reached');
    // A premature complete ends the episode as a failure.
    sim.reset({ source: 'page_3', target: 'page_0' });
    expect(sim.step(COMPLETE_TEXT)).toMatchObject({ done: true, success: false });
  });

  it('stops at the step limit, counting every kind of step', () => {
    const sim = textSim({ maxSteps: 3 });
    sim.reset({ source: 'page_0', target: 'page_1' });
    sim.step('nonsense');
    sim.fail('HTTP 500 after 3 retries');
    const last = sim.step(clickText('A_1', 'page_0', 300, 260));
    expect(last).toMatchObject({ done: true, success: false });
    const trace = sim.trajectory();
    expect(trace.endReason).toBe('step-limit');
    expect(trace.finalPage).toBe('page_1');
    expect(trace.steps.map((s) => s.outcome)).toEqual(['unparseable', 'agent-error', 'moved']);
    expect(trace.steps[1]).toMatchObject({ action: '', error: 'HTTP 500 after 3 retries' });
  });

  it('default step limit is 12', () => {
    const sim = textSim();
    sim.reset({ source: 'page_0', target: 'page_1' });
    let result = sim.step('x');
    for (let i = 1; i < 12; i++) result = sim.step('x');
    expect(result.done).toBe(true);
    expect(sim.trajectory().steps).toHaveLength(12);
  });

  it('rejects unknown pages, a task to itself, and observing before reset', () => {
    const sim = textSim();
    expect(() => sim.observe()).toThrow(/reset/);
    expect(() => sim.reset({ source: 'page_0', target: 'page_99' })).toThrow(/no page "page_99"/);
    expect(() => sim.reset({ source: 'page_2', target: 'page_2' })).toThrow(/to itself/);
    expect(() => new Simulator(world, { maxSteps: 0, observation: 'text' })).toThrow(/maxSteps/);
    expect(() => new Simulator(world, { observation: 'image' })).toThrow(/needs screenshots/);
  });

  it('shows the screenshot in image mode, read lazily from the images folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sim-shots-'));
    await writeFile(path.join(dir, 'page_1.png'), Buffer.from([137, 80, 78, 71]));
    const sim = new Simulator(world, { imagesDir: dir });
    const obs = sim.reset({ source: 'page_1', target: 'page_3' });
    expect(obs.messages[0]?.content).toBe('<image>Instruction: from page_1 to page_3. History: Null');
    expect(obs.screenshot?.path).toBe(path.join(dir, 'page_1.png'));
    expect(obs.screenshot?.mimeType).toBe('image/png');
    expect([...((await obs.screenshot?.bytes()) ?? [])]).toEqual([137, 80, 78, 71]);
    const moved = sim.step(clickText('back', 'page_1', 51, 102));
    expect(moved.observation.screenshot?.path).toBe(path.join(dir, 'page_0.png'));
    await expect(moved.observation.screenshot?.bytes()).rejects.toThrow(/page_0\.png: cannot read the screenshot/);
  });

  it('shows both the image placeholder and the text view in both mode', async () => {
    const sim = new Simulator(world, { observation: 'both', imagesDir: '/nowhere' });
    const obs = sim.reset({ source: 'page_2', target: 'page_0' });
    expect(obs.messages[0]?.content).toBe(
      '<image>Screen: page_2\nElements (name [x1,y1,x2,y2], 0-1000 scale):\nback [51,23,221,102]\n' +
        'Instruction: from page_2 to page_0. History: Null',
    );
  });
});
