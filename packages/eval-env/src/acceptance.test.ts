import {
  buildGelabDatasets,
  generateWorld,
  type ObservationMode,
  parseWorld,
  pathSamples,
  subtreeTasks,
  WORLD_PRESETS,
} from '@guinav/data-gen';
import { describe, expect, it } from 'vitest';
import { OracleAgent } from './agents/oracle.js';
import { RandomAgent } from './agents/random.js';
import { scoreGelabRecords } from './score/gelab-static.js';
import { runInteractive } from './sim/runner.js';
import { Simulator } from './sim/simulator.js';

// A gelab-shaped world (231 pages) and its out-of-distribution test subtree (index 4).
const world = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 11 }), 'gelab-11');
const tasks = subtreeTasks(world, 4);
// GE-Lab's published per-subtree counts by shortest-path length.
const PUBLISHED = {
  'Path@1': 137,
  'Path@2': 147,
  'Path@3': 222,
  'Path@4': 324,
  'Path@5': 492,
  'Path@6': 456,
  'Path@7': 384,
};

describe('acceptance on a gelab-shaped subtree', () => {
  it('has the 2,162 published tasks', () => {
    expect(tasks).toHaveLength(2162);
  });

  for (const variant of ['with-complete', 'click-only'] as const) {
    it(`oracle: Pass@1 = 100% on every task (${variant})`, async () => {
      const run = await runInteractive({ world, tasks, agent: new OracleAgent(world), observation: 'text', variant });
      expect(run.metrics.overall).toMatchObject({ tasks: 2162, 'Pass@1': 100 });
      for (const [bucket, count] of Object.entries(PUBLISHED)) {
        expect(run.metrics.byPathLength[bucket]).toMatchObject({ tasks: count, 'Pass@1': 100 });
      }
      // The oracle takes exactly the shortest path: k clicks (+ complete in with-complete).
      const extra = variant === 'with-complete' ? 1 : 0;
      expect(run.episodes.every((e) => e.steps.length === e.pathLength + extra)).toBe(true);
      expect(run.metrics.stepOutcomes.miss + run.metrics.stepOutcomes.unparseable).toBe(0);
    });
  }

  it('random agent: far below the oracle', async () => {
    const run = await runInteractive({ world, tasks, agent: new RandomAgent(), observation: 'text', seed: 1 });
    const pass1 = run.metrics.overall['Pass@1'] as number;
    expect(pass1).toBeLessThan(15);
    // Only short tasks are ever solved by chance.
    expect(run.metrics.byPathLength['Path@7']?.['Pass@1']).toBeLessThan(2);
  });

  for (const mode of ['image', 'text'] as ObservationMode[]) {
    it(`prompts at step 1 and every later step equal the dataset's, byte for byte (${mode})`, () => {
      const sim = new Simulator(world, { observation: mode, imagesDir: '/unused-images-are-never-read' });
      const oracle = new OracleAgent(world);
      let compared = 0;
      for (const task of tasks) {
        const samples = pathSamples(world, task, { mode });
        let obs = sim.reset(task);
        for (const sample of samples) {
          expect(obs.page).toBe(sample.page);
          expect(obs.messages).toEqual([{ role: 'user', content: sample.prompt }]);
          compared++;
          const result = sim.step(oracle.answer(obs, 3));
          obs = result.observation;
        }
        expect(sim.trajectory().success).toBe(true);
      }
      // One prompt per step plus the complete step: 12,439 for a gelab subtree (published).
      expect(compared).toBe(12_439);
    });
  }
});

describe("static GE-Lab scoring of data-gen's test.json", () => {
  const { test } = buildGelabDatasets(world, { imageOf: (page) => `images/${page}.png` });
  const located = (pred: (gt: string) => string) =>
    test.map((r, i) => ({
      value: {
        ...r,
        prompt: r.messages[0]?.content ?? '',
        gt: r.messages[1]?.content ?? '',
        pred: pred(r.messages[1]?.content ?? ''),
      },
      where: `line ${i + 1}`,
    }));

  it('scores the ground truth itself 100%, with the published bucket and task counts', () => {
    const m = scoreGelabRecords(located((gt) => gt));
    expect(m.count).toBe(12_439);
    expect(m.overall.accuracy).toBe(100);
    // Every task has one first step (History: Null) and one complete step.
    expect(m.buckets.edge.count).toBe(2162);
    expect(m.buckets.complete.count).toBe(2162);
    expect(m.buckets['w/o'].count).toBe(12_439 - 2 * 2162);
    expect(m.taskLevel).toMatchObject({ overall: { count: 2162, correct: 2162 }, incomplete: 0 });
    for (const [bucket, tasks] of Object.entries(PUBLISHED)) {
      const length = Number(bucket.slice('Path@'.length));
      expect(m.taskLevel.byPathLength[bucket]?.count).toBe(tasks);
      expect(m.byPathLength[bucket]?.count).toBe(tasks * (length + 1));
    }
  });

  it('an agent that always says complete gets exactly the complete steps right', () => {
    const m = scoreGelabRecords(located(() => 'Explain: this is target page.\tAction: complete'));
    expect(m.overall.correct).toBe(2162);
    expect(m.taskLevel.overall.correct).toBe(0);
  });
});
