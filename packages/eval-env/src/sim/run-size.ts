import { checkFitsInMemory } from '@guinav/data-gen';

/**
 * Memory of an interactive run: every episode's steps are kept for episodes.jsonl. Measured on the
 * 2-core dev VM (Node 20): 21,620 random-agent episodes (93,262 steps) ran in a 150 MiB heap;
 * a step of an HTTP agent also keeps its answer (up to --max-tokens), so a step slot is counted
 * at 2 KiB, for every step an episode may take.
 */
export const INTERACTIVE_BYTES_PER_STEP = 2 * 1024;

/** Refuses, before any work, a run whose episodes could not all be kept in memory. */
export function checkInteractiveRunSize(
  run: { tasks: number; attempts: number; maxSteps: number },
  limit?: number,
): void {
  const episodes = run.tasks * run.attempts;
  const n = (v: number) => v.toLocaleString('en-US');
  checkFitsInMemory(
    {
      bytes: episodes * run.maxSteps * INTERACTIVE_BYTES_PER_STEP,
      what: `${n(run.tasks)} tasks x --attempts ${n(run.attempts)} = ${n(episodes)} episodes of up to --max-steps ${n(run.maxSteps)} steps`,
      advice: 'Lower --attempts or --max-steps, or split the tasks file into several runs',
    },
    limit,
  );
}
