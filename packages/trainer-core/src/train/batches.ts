/**
 * Batches of examples in a seeded order: each epoch shuffles with a generator derived from the
 * seed and the epoch, so batch (epoch, i) is the same on every run and a resumed run continues
 * with exactly the batches an uninterrupted one would have seen. Optional length grouping (as
 * transformers' LengthGroupedSampler: shuffle, then sort by length within mega-batches of 50
 * batches) puts similar lengths together, so less padding is computed.
 */
import { TrainingRng } from '../random/training-rng.js';
import type { BatchSource } from './trainer.js';

export interface BatchOrderOptions<E> {
  batchSize: number;
  seed: number;
  /** false keeps the examples' order (evaluation). Default true. */
  shuffle?: boolean;
  /** Group by this length (tokens) to cut padding. */
  lengthOf?: (example: E) => number;
}

export class ExampleBatches<E, B> implements BatchSource<B> {
  readonly batchesPerEpoch: number;
  private cachedEpoch = -1;
  private cachedOrder: number[] = [];

  constructor(
    private readonly examples: readonly E[],
    private readonly collate: (examples: E[]) => B | Promise<B>,
    private readonly options: BatchOrderOptions<E>,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
    }
    this.batchesPerEpoch = Math.ceil(examples.length / options.batchSize);
  }

  private order(epoch: number): number[] {
    if (epoch === this.cachedEpoch) return this.cachedOrder;
    const idx = this.examples.map((_, i) => i);
    if (this.options.shuffle ?? true) {
      new TrainingRng(this.options.seed * 1_000_003 + epoch).shuffle(idx);
      const len = this.options.lengthOf;
      if (len) {
        const mega = this.options.batchSize * 50;
        for (let start = 0; start < idx.length; start += mega) {
          const part = idx.slice(start, start + mega).sort((a, b) => len(this.examples[b]!) - len(this.examples[a]!));
          idx.splice(start, part.length, ...part);
        }
      }
    }
    this.cachedEpoch = epoch;
    this.cachedOrder = idx;
    return idx;
  }

  batch(epoch: number, index: number): B | Promise<B> {
    if (!Number.isInteger(index) || index < 0 || index >= this.batchesPerEpoch) {
      throw new RangeError(`batch index ${index} is outside [0, ${this.batchesPerEpoch})`);
    }
    const { batchSize } = this.options;
    const ids = this.order(epoch).slice(index * batchSize, (index + 1) * batchSize);
    return this.collate(ids.map((i) => this.examples[i]!));
  }
}
