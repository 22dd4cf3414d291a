/**
 * Where a run's logs go: `metrics.jsonl` (one JSON object per log record, TRL's key names plus
 * `step`) and TensorBoard event files under `runs/` of the output dir, tags `train/<key>` and
 * `eval/<key>` as the Hugging Face Trainer writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TensorBoardWriter } from './tensorboard.js';

export type LogRecord = Record<string, number>;

export class TrainingLog {
  private readonly jsonl: number;
  private tensorboard: TensorBoardWriter | undefined;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.jsonl = fs.openSync(path.join(dir, 'metrics.jsonl'), 'a');
    this.tensorboard = new TensorBoardWriter(path.join(dir, 'runs'));
  }

  /** One record at `step`: keys starting with `eval_` go to `eval/<rest>`, others to `train/<key>`. */
  write(step: number, record: LogRecord): void {
    fs.writeSync(this.jsonl, `${JSON.stringify({ ...record, step })}\n`);
    const tags: Record<string, number> = {};
    for (const [k, v] of Object.entries(record)) {
      tags[k.startsWith('eval_') ? `eval/${k.slice(5)}` : `train/${k}`] = v;
    }
    this.tensorboard?.scalars(step, tags);
  }

  close(): void {
    fs.closeSync(this.jsonl);
    this.tensorboard?.close();
    this.tensorboard = undefined;
  }
}
