/**
 * Learning-rate schedules with the formulas of Hugging Face transformers'
 * get_{constant,constant_with_warmup,linear,cosine}_schedule_with_warmup. The multiplier for
 * step s (0-based, the number of optimizer steps taken so far) scales each group's initial lr.
 */
import type { Optimizer } from './optimizer.js';

export type ScheduleName = 'constant' | 'constant_with_warmup' | 'linear' | 'cosine';

export interface ScheduleOptions {
  totalSteps: number;
  /** Warmup as a step count... */
  warmupSteps?: number;
  /** ...or as a share of totalSteps (ceil(total * ratio), as TrainingArguments.get_warmup_steps). */
  warmupRatio?: number;
  /** Cosine cycles (default 0.5: one half-cosine from 1 to 0). */
  numCycles?: number;
}

/** Warmup steps: explicit steps win; otherwise ceil(totalSteps * ratio). */
export function resolveWarmupSteps(o: ScheduleOptions): number {
  if (o.warmupSteps !== undefined && o.warmupSteps > 0) {
    if (!Number.isInteger(o.warmupSteps))
      throw new RangeError(`schedule: warmupSteps must be an integer, got ${o.warmupSteps}`);
    return o.warmupSteps;
  }
  const ratio = o.warmupRatio ?? 0;
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`schedule: warmupRatio must be in [0, 1], got ${ratio}`);
  return Math.ceil(o.totalSteps * ratio);
}

/** The multiplier function of a named schedule. */
export function lrLambda(name: ScheduleName, o: ScheduleOptions): (step: number) => number {
  const warmup = resolveWarmupSteps(o);
  const total = o.totalSteps;
  const cycles = o.numCycles ?? 0.5;
  const warm = (step: number) => step / Math.max(1, warmup);
  switch (name) {
    case 'constant':
      return () => 1;
    case 'constant_with_warmup':
      return (step) => (step < warmup ? warm(step) : 1);
    case 'linear':
      return (step) => (step < warmup ? warm(step) : Math.max(0, (total - step) / Math.max(1, total - warmup)));
    case 'cosine':
      return (step) => {
        if (step < warmup) return warm(step);
        const progress = (step - warmup) / Math.max(1, total - warmup);
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress)));
      };
  }
}

/** Drives an optimizer's learning rates: call `step()` after each optimizer step (as LambdaLR). */
export class LrScheduler {
  private steps = 0;

  constructor(
    readonly optimizer: Optimizer,
    readonly lambda: (step: number) => number,
  ) {
    this.apply();
  }

  static named(optimizer: Optimizer, name: ScheduleName, options: ScheduleOptions): LrScheduler {
    return new LrScheduler(optimizer, lrLambda(name, options));
  }

  /** Optimizer steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** The learning rate of each group for the next optimizer step. */
  get lastLr(): number[] {
    return this.optimizer.groups.map((g) => g.lr);
  }

  step(): void {
    this.steps++;
    this.apply();
  }

  /** Continues from a checkpoint: `steps` optimizer steps were taken before it. */
  restore(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`LrScheduler.restore: bad step count ${steps}`);
    this.steps = steps;
    this.apply();
  }

  private apply(): void {
    const m = this.lambda(this.steps);
    for (const g of this.optimizer.groups) g.lr = g.initialLr * m;
  }
}
