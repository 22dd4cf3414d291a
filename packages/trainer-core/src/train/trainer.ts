/**
 * The training loop, shared by every objective (SFT here, DPO in @guinav/dpo, GRPO in rl/): micro-
 * batches with gradient accumulation, clipping, AdamW with the Hugging Face parameter groups, the
 * learning-rate schedule, logging (metrics.jsonl + TensorBoard, TRL's key names), evaluation,
 * checkpoints with rotation, exact resume, a clean stop on request, and a stop with a clear
 * message when the loss or gradient goes non-finite. Metrics stay on the device and are read once,
 * packed, on logging steps.
 */
import path from 'node:path';
import { noGrad } from '../autograd/grad-mode.js';
import { type LogRecord, TrainingLog } from '../log/training-log.js';
import { setDropoutRng } from '../nn/dropout-rng.js';
import { scale } from '../ops/elementwise.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip.js';
import { decayGroups } from '../optim/optimizer.js';
import { LrScheduler } from '../optim/schedule.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  CHECKPOINT_PREFIX,
  FINAL_MODEL_DIR,
  loadOptimizer,
  readCheckpointExtras,
  resolveResumeCheckpoint,
  rotateCheckpoints,
  saveOptimizer,
  type TrainerState,
  writeCheckpointExtras,
  writeFolderAtomically,
} from './checkpoint.js';
import type { TrainingConfig } from './config.js';
import { MetricSums } from './metric-sums.js';

/** What is being trained: its trainable parameters and how to save and restore it. */
export interface TrainingTarget {
  /** The parameters the optimizer updates, by checkpoint name (a LoRA adapter's only, or all). */
  trainableParameters(): [string, Tensor][];
  /** Writes the model (or adapter) and its side files (tokenizer, config) into `dir`. */
  save(dir: string): Promise<void>;
  /** Restores what `save` wrote (resume, best model at the end). */
  load(dir: string): Promise<void>;
  /** Train / eval mode (dropout). */
  setTraining(training: boolean): void;
}

export interface ObjectiveOutput {
  /** The micro-batch's loss (differentiated in training). */
  loss: Tensor;
  /** Scalar metrics, logged as their mean over the micro-batches of a logging window. */
  metrics: Record<string, Tensor>;
  /** Tokens this micro-batch fed the model (TRL's num_tokens counts them cumulatively). */
  tokens: number;
}

export interface ObjectiveContext {
  training: boolean;
  /** The trainer's generator (checkpoints save its state, so a resumed run draws the same numbers). */
  rng: TrainingRng;
}

/**
 * An objective turns a batch into a loss and metrics (SFT cross-entropy, DPO, GRPO). `prepare`,
 * when present, is the asynchronous work a batch needs first, outside the step's gradient scope
 * (GRPO samples and scores its rollouts there); its result is what `forward` gets. Without it,
 * `forward` gets the batch as it is (P = B).
 */
export interface TrainingObjective<B, P = B> {
  prepare?(batch: B, context: ObjectiveContext): Promise<P>;
  forward(batch: P, context: ObjectiveContext): ObjectiveOutput;
}

/**
 * Batches by (epoch, index): random access makes the data order a function of the seed, so resume
 * is exact. A batch may be built asynchronously (images decoded from disk).
 */
export interface BatchSource<B> {
  readonly batchesPerEpoch: number;
  batch(epoch: number, index: number): B | Promise<B>;
}

export type TrainerEvent =
  | { type: 'start'; maxSteps: number; resumedFrom: string | null; startStep: number }
  | { type: 'step'; step: number; maxSteps: number; epoch: number; tokensPerSecond: number; etaSeconds: number }
  | { type: 'log'; step: number; record: LogRecord }
  | { type: 'checkpoint'; step: number; dir: string };

export interface TrainerOptions<B, P = B> {
  config: TrainingConfig;
  target: TrainingTarget;
  objective: TrainingObjective<B, P>;
  train: BatchSource<B>;
  eval?: BatchSource<B>;
  /**
   * Metrics that need more than a forward pass (e.g. static step accuracy from generated replies),
   * computed at each evaluation with the model in eval mode and logged as `eval_<key>` beside the
   * eval split's means; metric_for_best_model may name one.
   */
  evalMetrics?: () => Promise<Record<string, number>>;
  /** Aborting stops at the next step boundary: a checkpoint is saved and `run` resolves. */
  signal?: AbortSignal;
  onEvent?: (event: TrainerEvent) => void;
}

export interface TrainResult {
  status: 'completed' | 'interrupted';
  globalStep: number;
  /** Where the last checkpoint (interrupted) or the final model (completed) was written. */
  dir: string;
  logHistory: LogRecord[];
  bestMetric: number | null;
  /** The best evaluation's checkpoint (null when none was kept). */
  bestModelCheckpoint: string | null;
  /** Training stopped before max_steps because the metric stopped improving (early_stopping_patience). */
  stoppedEarly: boolean;
}

/** Stops a run whose loss or gradient norm went NaN or infinite. */
export class TrainingDivergedError extends Error {
  constructor(step: number, record: LogRecord, lastCheckpoint: string | null) {
    const bad = Object.entries(record)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    super(
      `training diverged at step ${step} (${bad}); ` +
        (lastCheckpoint ? `the last good checkpoint is ${lastCheckpoint}` : 'no checkpoint was saved yet') +
        '. Lower learning_rate or set max_grad_norm.',
    );
  }
}

/** As transformers: keeping the best model needs a checkpoint at every evaluation. */
function checkBestModelSettings(c: TrainingConfig): void {
  if (c.early_stopping_patience !== null && !c.load_best_model_at_end) {
    throw new Error("early_stopping_patience needs load_best_model_at_end (as transformers' EarlyStoppingCallback)");
  }
  if (!c.load_best_model_at_end) return;
  const evalSteps = c.eval_steps ?? c.logging_steps;
  if (c.eval_strategy === 'no' || c.eval_strategy !== c.save_strategy) {
    throw new Error('load_best_model_at_end needs eval_strategy and save_strategy to be the same ("steps" or "epoch")');
  }
  if (c.save_strategy === 'steps' && c.save_steps % evalSteps !== 0) {
    throw new Error(
      `load_best_model_at_end needs save_steps (${c.save_steps}) to be a multiple of eval_steps (${evalSteps})`,
    );
  }
}

export class Trainer<B, P = B> {
  private readonly config: TrainingConfig;
  private readonly optimizer: AdamW;
  private readonly scheduler: LrScheduler;
  private readonly rng: TrainingRng;
  readonly stepsPerEpoch: number;
  readonly maxSteps: number;
  private state: TrainerState;
  private lastCheckpoint: string | null = null;
  private stopEarly = false;

  constructor(private readonly o: TrainerOptions<B, P>) {
    const c = o.config;
    this.config = c;
    const batches = o.train.batchesPerEpoch;
    if (batches < 1) throw new Error('Trainer: the training data has no batches');
    checkBestModelSettings(c);
    // transformers: update steps per epoch = ceil(batches / accumulation), at least 1.
    this.stepsPerEpoch = Math.max(1, Math.ceil(batches / c.gradient_accumulation_steps));
    this.maxSteps = c.max_steps > 0 ? c.max_steps : Math.ceil(c.num_train_epochs * this.stepsPerEpoch);
    const params = o.target.trainableParameters();
    if (params.length === 0) throw new Error('Trainer: the model has no trainable parameters');
    this.optimizer = new AdamW(decayGroups(params, c.weight_decay), {
      lr: c.learning_rate,
      betas: [c.adam_beta1, c.adam_beta2],
      eps: c.adam_epsilon,
      weightDecay: c.weight_decay,
    });
    this.scheduler = LrScheduler.named(this.optimizer, c.lr_scheduler_type, {
      totalSteps: this.maxSteps,
      warmupSteps: c.warmup_steps,
      warmupRatio: c.warmup_ratio,
    });
    this.rng = new TrainingRng(c.seed);
    this.state = {
      global_step: 0,
      epoch: 0,
      max_steps: this.maxSteps,
      num_train_epochs: Math.ceil(this.maxSteps / this.stepsPerEpoch),
      logging_steps: c.logging_steps,
      eval_steps: c.eval_steps ?? c.logging_steps,
      save_steps: c.save_steps,
      train_batch_size: c.per_device_train_batch_size,
      num_input_tokens_seen: 0,
      best_metric: null,
      best_global_step: null,
      best_model_checkpoint: null,
      log_history: [],
      guinav_data_position: { epoch: 0, batch: 0 },
    };
  }

  private emit(e: TrainerEvent): void {
    this.o.onEvent?.(e);
  }

  /** Restores model, optimizer, schedule, RNG and progress from a checkpoint folder. */
  private async resume(dir: string): Promise<void> {
    await this.o.target.load(dir);
    loadOptimizer(dir, this.optimizer);
    const extras = readCheckpointExtras(dir);
    this.scheduler.restore(extras.schedulerStep);
    this.rng.setState(extras.rng);
    this.state = { ...extras.state, max_steps: this.maxSteps };
    this.lastCheckpoint = dir;
  }

  async run(): Promise<TrainResult> {
    const c = this.config;
    const resumeFrom = c.resume_from_checkpoint
      ? resolveResumeCheckpoint(c.output_dir, c.resume_from_checkpoint)
      : null;
    if (resumeFrom) await this.resume(resumeFrom);
    // Dropout (LoRA's included) draws from the trainer's generator, which checkpoints save.
    setDropoutRng(this.rng);
    const log = new TrainingLog(c.output_dir);
    const sums = new MetricSums();
    let gradNorm: Tensor | undefined;
    const started = performance.now();
    const startStep = this.state.global_step;
    let tokensThisRun = 0;
    this.emit({ type: 'start', maxSteps: this.maxSteps, resumedFrom: resumeFrom, startStep });
    try {
      this.o.target.setTraining(true);
      while (this.state.global_step < this.maxSteps) {
        const tokens = await this.trainStep(sums);
        tokensThisRun += tokens;
        gradNorm?.dispose();
        gradNorm = c.max_grad_norm ? clipGradNorm(this.trainable(), c.max_grad_norm) : undefined;
        this.optimizer.step();
        this.scheduler.step();
        this.optimizer.zeroGrad();
        const step = ++this.state.global_step;
        this.state.epoch = step / this.stepsPerEpoch;
        this.state.num_input_tokens_seen += tokens;
        const seconds = (performance.now() - started) / 1000;
        this.emit({
          type: 'step',
          step,
          maxSteps: this.maxSteps,
          epoch: this.state.epoch,
          tokensPerSecond: tokensThisRun / Math.max(seconds, 1e-9),
          etaSeconds: ((this.maxSteps - step) * seconds) / Math.max(step - startStep, 1),
        });
        const last = step === this.maxSteps;
        if (step % c.logging_steps === 0 || last) {
          const record = await this.logRecord(sums, gradNorm);
          this.record(log, step, record);
          if (!Object.values(record).every(Number.isFinite))
            throw new TrainingDivergedError(step, record, this.lastCheckpoint);
        }
        if (this.evaluates() && (this.evalDue(step) || last)) await this.evaluate(log, step);
        const interrupted = this.o.signal?.aborted ?? false;
        const due = c.save_strategy !== 'no' && (this.saveDue(step) || last || this.stopEarly);
        if (interrupted || due) await this.saveCheckpoint(step);
        if (interrupted) {
          return { status: 'interrupted', globalStep: step, dir: this.lastCheckpoint!, ...this.summary() };
        }
        if (this.stopEarly) break;
      }
      return {
        status: 'completed',
        globalStep: this.state.global_step,
        dir: await this.saveFinal(),
        ...this.summary(),
      };
    } finally {
      gradNorm?.dispose();
      sums.reset();
      log.close();
      this.optimizer.dispose();
    }
  }

  private summary() {
    return {
      logHistory: this.state.log_history,
      bestMetric: this.state.best_metric,
      bestModelCheckpoint: this.state.best_model_checkpoint,
      stoppedEarly: this.stopEarly,
    };
  }

  private evaluates(): boolean {
    return (this.o.eval !== undefined || this.o.evalMetrics !== undefined) && this.config.eval_strategy !== 'no';
  }

  private trainable(): Tensor[] {
    return this.o.target.trainableParameters().map(([, t]) => t);
  }

  /** The batch `forward` takes: the objective's prepared form, or the batch itself. */
  private async prepared(batch: B, context: ObjectiveContext): Promise<P> {
    const prepare = this.o.objective.prepare;
    return prepare ? prepare.call(this.o.objective, batch, context) : (batch as unknown as P);
  }

  /** One optimizer step's micro-batches: forward, loss / accumulation, backward; returns tokens fed. */
  private async trainStep(sums: MetricSums): Promise<number> {
    const c = this.config;
    const src = this.o.train;
    const step = this.state.global_step;
    const epoch = Math.floor(step / this.stepsPerEpoch);
    const first = (step % this.stepsPerEpoch) * c.gradient_accumulation_steps;
    const count = Math.min(c.gradient_accumulation_steps, src.batchesPerEpoch - first);
    let tokens = 0;
    const context = { training: true, rng: this.rng };
    for (let k = 0; k < count; k++) {
      const batch = await this.prepared(await src.batch(epoch, first + k), context);
      tidy(() => {
        const out = this.o.objective.forward(batch, context);
        scale(out.loss, 1 / count).backward();
        sums.add({ loss: out.loss, ...out.metrics });
        tokens += out.tokens;
      });
    }
    this.state.guinav_data_position = { epoch, batch: first + count };
    return tokens;
  }

  private async logRecord(sums: MetricSums, gradNorm: Tensor | undefined): Promise<LogRecord> {
    const means = await sums.readMeans(gradNorm ? { grad_norm: gradNorm } : {});
    const { loss, grad_norm, ...rest } = means;
    const record: LogRecord = { loss: loss ?? Number.NaN };
    if (grad_norm !== undefined) record.grad_norm = grad_norm;
    // As the Hugging Face Trainer: the learning rate of the next step, the fractional epoch.
    record.learning_rate = this.scheduler.lastLr[0]!;
    Object.assign(record, rest);
    record.num_tokens = this.state.num_input_tokens_seen;
    record.epoch = this.state.epoch;
    return record;
  }

  private record(log: TrainingLog, step: number, record: LogRecord): void {
    log.write(step, record);
    this.state.log_history.push({ ...record, step });
    this.emit({ type: 'log', step, record });
  }

  private evalDue(step: number): boolean {
    const c = this.config;
    if (c.eval_strategy === 'epoch') return step % this.stepsPerEpoch === 0;
    return step % (c.eval_steps ?? c.logging_steps) === 0;
  }

  private saveDue(step: number): boolean {
    const c = this.config;
    if (c.save_strategy === 'epoch') return step % this.stepsPerEpoch === 0;
    return step % c.save_steps === 0;
  }

  /**
   * Runs the objective over the eval split without gradients and the extra metrics; logs them as
   * `eval_<key>`.
   */
  private async evaluate(log: TrainingLog, step: number): Promise<void> {
    const src = this.o.eval;
    const sums = new MetricSums();
    this.o.target.setTraining(false);
    try {
      const context = { training: false, rng: this.rng };
      for (let i = 0; i < (src?.batchesPerEpoch ?? 0); i++) {
        const batch = await this.prepared(await src!.batch(0, i), context);
        noGrad(() =>
          tidy(() => {
            const out = this.o.objective.forward(batch, context);
            sums.add({ loss: out.loss, ...out.metrics });
          }),
        );
      }
      const means = await sums.readMeans();
      const extra = (await this.o.evalMetrics?.()) ?? {};
      const record: LogRecord = Object.fromEntries(
        Object.entries({ ...means, ...extra }).map(([k, v]) => [`eval_${k}`, v]),
      );
      record.epoch = this.state.epoch;
      this.record(log, step, record);
      this.checkEarlyStopping(record);
      this.trackBest(step, record);
    } finally {
      sums.reset();
      this.o.target.setTraining(true);
    }
  }

  /** The metric that picks the best checkpoint, its value in `record`, and its direction. */
  private bestMetricOf(record: LogRecord): { value: number; greater: boolean } | null {
    const c = this.config;
    const key = c.metric_for_best_model.startsWith('eval_')
      ? c.metric_for_best_model
      : `eval_${c.metric_for_best_model}`;
    const value = record[key];
    if (value === undefined || !Number.isFinite(value)) return null;
    return { value, greater: c.greater_is_better ?? !key.endsWith('loss') };
  }

  /**
   * transformers' EarlyStoppingCallback: an evaluation that does not beat the best so far by more
   * than the threshold counts against the patience; one that does resets it. Checked before the
   * best is updated, as there.
   */
  private checkEarlyStopping(record: LogRecord): void {
    const c = this.config;
    const metric = this.bestMetricOf(record);
    if (c.early_stopping_patience === null || !metric) return;
    const previous = this.state.stateful_callbacks?.EarlyStoppingCallback?.attributes.early_stopping_patience_counter;
    const best = this.state.best_metric;
    const improved =
      best === null ||
      ((metric.greater ? metric.value > best : metric.value < best) &&
        Math.abs(metric.value - best) > c.early_stopping_threshold);
    const counter = improved ? 0 : (previous ?? 0) + 1;
    this.state.stateful_callbacks = {
      ...this.state.stateful_callbacks,
      EarlyStoppingCallback: {
        args: {
          early_stopping_patience: c.early_stopping_patience,
          early_stopping_threshold: c.early_stopping_threshold,
        },
        attributes: { early_stopping_patience_counter: counter },
      },
    };
    if (counter >= c.early_stopping_patience) this.stopEarly = true;
  }

  private trackBest(step: number, record: LogRecord): void {
    const c = this.config;
    const metric = this.bestMetricOf(record);
    if (!metric) return;
    const { value, greater } = metric;
    const best = this.state.best_metric;
    if (best === null || (greater ? value > best : value < best)) {
      this.state.best_metric = value;
      this.state.best_global_step = step;
      this.state.best_model_checkpoint = path.join(c.output_dir, `${CHECKPOINT_PREFIX}${step}`);
    }
  }

  private async saveCheckpoint(step: number): Promise<void> {
    const c = this.config;
    const dir = path.join(c.output_dir, `${CHECKPOINT_PREFIX}${step}`);
    await writeFolderAtomically(dir, async (staging) => {
      await this.o.target.save(staging);
      await saveOptimizer(staging, this.optimizer);
      writeCheckpointExtras(staging, {
        state: this.state,
        schedulerStep: this.scheduler.stepCount,
        rng: this.rng.getState(),
      });
    });
    this.lastCheckpoint = dir;
    rotateCheckpoints(c.output_dir, c.save_total_limit, this.state.best_model_checkpoint);
    this.emit({ type: 'checkpoint', step, dir });
  }

  private async saveFinal(): Promise<string> {
    const c = this.config;
    const best = this.state.best_model_checkpoint;
    if (c.load_best_model_at_end && best && best !== this.lastCheckpoint) await this.o.target.load(best);
    const dir = path.join(c.output_dir, FINAL_MODEL_DIR);
    await writeFolderAtomically(dir, (staging) => this.o.target.save(staging));
    return dir;
  }
}
