import { describe, expect, it } from 'vitest';
import { interactiveMetrics, type ScoredEpisode } from './interactive-metrics.js';

const settings = {
  tasks: 3,
  attempts: 3,
  agent: 'test',
  variant: 'with-complete',
  observation: 'text',
  maxSteps: 12,
  seed: 0,
} as const;

function ep(taskIndex: number, attempt: number, pathLength: number, success: boolean): ScoredEpisode {
  return {
    taskIndex,
    attempt,
    pathLength,
    success,
    endReason: success ? 'complete' : 'step-limit',
    steps: success ? [{ outcome: 'moved' }, { outcome: 'complete' }] : [{ outcome: 'miss' }],
  };
}

describe('interactiveMetrics', () => {
  it('Pass@j counts a task solved in any of its first j attempts', () => {
    // task 0 (length 1): solved on attempt 0; task 1 (length 2): on attempt 2 only; task 2 (length 2): never.
    const episodes = [
      ep(0, 0, 1, true),
      ep(0, 1, 1, false),
      ep(0, 2, 1, true),
      ep(1, 0, 2, false),
      ep(1, 1, 2, false),
      ep(1, 2, 2, true),
      ep(2, 0, 2, false),
      ep(2, 1, 2, false),
      ep(2, 2, 2, false),
    ];
    const m = interactiveMetrics(episodes, settings);
    expect(m.overall).toEqual({
      tasks: 3,
      solved: { 'Pass@1': 1, 'Pass@2': 1, 'Pass@3': 2 },
      'Pass@1': 33.33,
      'Pass@2': 33.33,
      'Pass@3': 66.67,
    });
    expect(m.byPathLength['Path@1']).toMatchObject({ tasks: 1, 'Pass@1': 100, 'Pass@3': 100 });
    expect(m.byPathLength['Path@2']).toMatchObject({ tasks: 2, 'Pass@1': 0, 'Pass@2': 0, 'Pass@3': 50 });
    expect(m.episodes).toBe(9);
    expect(m.stepOutcomes).toMatchObject({ moved: 3, complete: 3, miss: 6 });
    expect(m.endReasons).toEqual({ complete: 3, 'target-reached': 0, 'step-limit': 6 });
  });

  it('always lists Path@1..Path@7, empty buckets as null, and longer paths when present', () => {
    const m = interactiveMetrics([ep(0, 0, 9, true)], { ...settings, tasks: 1, attempts: 1 });
    expect(Object.keys(m.byPathLength)).toEqual([
      'Path@1',
      'Path@2',
      'Path@3',
      'Path@4',
      'Path@5',
      'Path@6',
      'Path@7',
      'Path@9',
    ]);
    expect(m.byPathLength['Path@3']).toEqual({ tasks: 0, solved: { 'Pass@1': 0 }, 'Pass@1': null });
    expect(m.byPathLength['Path@9']?.['Pass@1']).toBe(100);
  });
});
