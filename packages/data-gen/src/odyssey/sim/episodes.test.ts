import { describe, expect, it } from 'vitest';
import { formatOdysseyAction } from '../../actions/odyssey.js';
import { ODYSSEY_CATEGORIES } from '../episode-schema.js';
import { parseOdysseyEpisode } from '../read-episodes.js';
import { stepAction } from '../step-action.js';
import { DEFAULT_SYNTHETIC_JITTER, generateSyntheticOdyssey, type SimulatedEpisode } from './episodes.js';
import { layoutScreen } from './screen.js';

const world = generateSyntheticOdyssey();
const small = generateSyntheticOdyssey({ count: 36, seed: 5 });

const steps = (episodes: readonly SimulatedEpisode[]) =>
  episodes.flatMap((e) => e.episode.steps.map((raw, i) => ({ e, raw, i, shot: e.shots[i] })));
const actionOf = (raw: Parameters<typeof stepAction>[0]) => stepAction(raw).action;

describe('generateSyntheticOdyssey: the default set', () => {
  it('has 300 episodes, 50 per category, every one valid for the episode reader', () => {
    expect(world.episodes).toHaveLength(300);
    for (const category of ODYSSEY_CATEGORIES) {
      expect(world.episodes.filter((e) => e.episode.task_info.category === category)).toHaveLength(50);
    }
    for (const { episode } of world.episodes) {
      const parsed = parseOdysseyEpisode(JSON.parse(JSON.stringify(episode)), `${episode.episode_id}.json`);
      expect(Array.isArray(parsed) ? parsed : [], episode.episode_id).toEqual([]);
    }
  });

  it('has every action kind and scroll direction, with clicks the large majority', () => {
    const count = new Map<string, number>();
    for (const { raw } of steps(world.episodes)) {
      const a = actionOf(raw);
      const kind = a.type === 'SCROLL' ? `SCROLL ${a.direction}` : a.type;
      count.set(kind, (count.get(kind) ?? 0) + 1);
    }
    expect([...count.keys()].sort()).toEqual(
      [
        'CLICK',
        'COMPLETE',
        'IMPOSSIBLE',
        'LONG_PRESS',
        'PRESS_BACK',
        'PRESS_HOME',
        'PRESS_RECENT',
        'SCROLL DOWN',
        'SCROLL LEFT',
        'SCROLL RIGHT',
        'SCROLL UP',
        'TYPE',
      ].sort(),
    );
    const total = [...count.values()].reduce((a, b) => a + b, 0);
    expect((count.get('CLICK') ?? 0) / total).toBeGreaterThan(0.5);
    // One COMPLETE or IMPOSSIBLE ends each episode, and nothing else does.
    expect((count.get('COMPLETE') ?? 0) + (count.get('IMPOSSIBLE') ?? 0)).toBe(300);
    for (const { episode } of world.episodes) {
      const last = actionOf(episode.steps.at(-1) as (typeof episode.steps)[number]).type;
      expect(['COMPLETE', 'IMPOSSIBLE']).toContain(last);
    }
  });

  it('names in the instruction every text typed (alarm times without their colon)', () => {
    for (const { e, raw } of steps(world.episodes)) {
      if (raw.action !== 'TEXT') continue;
      expect(e.episode.task_info.instruction.replace(/(\d):(\d)/g, '$1$2')).toContain(raw.info as string);
    }
  });

  it('never shows the same screen twice in an episode with different actions (the screen tells the step)', () => {
    for (const { episode, shots } of world.episodes) {
      const seen = new Map<string, string>();
      episode.steps.forEach((raw, i) => {
        const screen = JSON.stringify(shots[i]?.screen);
        const kind = formatOdysseyAction(actionOf(raw)).replace(/\(.*\)/, `(${raw.low_level_instruction})`);
        const before = seen.get(screen);
        if (before !== undefined) expect(kind, `${episode.episode_id} step ${i}`).toBe(before);
        seen.set(screen, kind);
      });
    }
  });

  it('puts a tapped element where the fixed layout has it, moved by at most the jitter; the point inside it', () => {
    let taps = 0;
    for (const { e, raw, shot } of steps(world.episodes)) {
      const a = actionOf(raw);
      if (a.type !== 'CLICK' && a.type !== 'LONG_PRESS') continue;
      taps++;
      const box = raw.sam2_bbox as number[];
      const [dx, dy] = shot?.offset ?? [0, 0];
      expect(Math.max(Math.abs(dx), Math.abs(dy))).toBeLessThanOrEqual(DEFAULT_SYNTHETIC_JITTER);
      const boxes = layoutScreen(shot?.screen ?? { app: '', title: '' }).map((el) =>
        el.content ? el.box.map((v, k) => Math.min(1000, Math.max(0, v + (k % 2 ? dy : dx)))) : el.box,
      );
      expect(boxes, `${e.episode.episode_id} ${raw.step}`).toContainEqual(box);
      const [x, y] = a.point;
      expect(x >= (box[0] ?? 0) && x <= (box[2] ?? 0) && y >= (box[1] ?? 0) && y <= (box[3] ?? 0)).toBe(true);
    }
    expect(taps).toBeGreaterThan(1000);
  });

  it('writes the four splits: train and test apart, covering every episode; random holds out a quarter of each category', () => {
    const all = world.episodes.map((e) => `${e.episode.episode_id}.json`).sort();
    for (const split of Object.values(world.splits)) {
      expect([...split.train, ...split.test].sort()).toEqual(all);
      expect(split.train.filter((f) => split.test.includes(f))).toEqual([]);
    }
    const test = new Set(world.splits.random.test);
    for (const category of ODYSSEY_CATEGORIES) {
      const ids = world.episodes.filter((e) => e.episode.task_info.category === category);
      // round(50 / 4) = 13 (half to even would say 12; JavaScript rounds half up)
      expect(ids.filter((e) => test.has(`${e.episode.episode_id}.json`))).toHaveLength(13);
    }
    // task: the last template of each category is held out; its episodes are the whole test set
    const taskTest = new Set(world.splits.task.test);
    const heldOut = new Set(
      world.episodes.filter((e) => taskTest.has(`${e.episode.episode_id}.json`)).map((e) => e.template),
    );
    expect(heldOut.size).toBe(6);
    expect(world.episodes.filter((e) => heldOut.has(e.template)).length).toBe(taskTest.size);
  });
});

describe('generateSyntheticOdyssey: seeds and counts', () => {
  it('is the same for the same seed and different for another', () => {
    expect(JSON.stringify(generateSyntheticOdyssey({ count: 36, seed: 5 }))).toBe(JSON.stringify(small));
    const other = generateSyntheticOdyssey({ count: 36, seed: 6 });
    expect(JSON.stringify(other.episodes)).not.toBe(JSON.stringify(small.episodes));
  });

  it('makes a smaller count the first episodes of a larger one, with every category from 6 on', () => {
    const twelve = generateSyntheticOdyssey({ count: 12, seed: 5 });
    expect(twelve.episodes.map((e) => e.episode)).toEqual(small.episodes.slice(0, 12).map((e) => e.episode));
    expect(new Set(twelve.episodes.map((e) => e.episode.task_info.category)).size).toBe(6);
    // 24 episodes include the impossible variant of the Amazon task (its second use)
    const kinds = new Set(steps(small.episodes).map(({ raw }) => actionOf(raw).type));
    expect(kinds).toContain('IMPOSSIBLE');
  });

  it('refuses counts and jitter out of range', () => {
    expect(() => generateSyntheticOdyssey({ count: 0 })).toThrow(
      /--episodes: expected a whole number of episodes from 1 to 100000, got 0/,
    );
    expect(() => generateSyntheticOdyssey({ count: 2.5 })).toThrow(/got 2.5/);
    expect(() => generateSyntheticOdyssey({ jitter: -1 })).toThrow(/--jitter: expected 0 to 100/);
  });
});
