/**
 * Batches generation requests that arrive together: several simulator episodes asking an agent
 * for their next action at the same moment are answered by one batched `generate` call instead
 * of one each. Requests submitted in the same tick (or within `waitMs`) form a batch; those
 * submitted while a batch runs wait for the next one; a batch takes at most `maxBatch` requests,
 * in arrival order. A request can fail alone (its slot holds a BatchItemFailure) or with its
 * whole batch (the run throws).
 */
export interface GenerationBatcherOptions {
  /** Largest batch (default 16). */
  maxBatch?: number;
  /** How long the first request of a batch waits for company, in ms (default 0: the same tick). */
  waitMs?: number;
}

/** A result slot for one request that failed on its own (its caller's promise rejects with `error`). */
export class BatchItemFailure {
  constructor(readonly error: unknown) {}
}

interface Pending<Q, R> {
  request: Q;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GenerationBatcher<Q, R> {
  private readonly queue: Pending<Q, R>[] = [];
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly waitMs: number;
  /** Sizes of the batches run so far (for progress reports and tests). */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly run: (requests: Q[]) => Promise<(R | BatchItemFailure)[]>,
    options: GenerationBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 16;
    this.waitMs = options.waitMs ?? 0;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) {
      throw new RangeError(`maxBatch must be an integer >= 1, got ${this.maxBatch}`);
    }
  }

  submit(request: Q): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      void this.drain();
    };
    if (this.waitMs > 0) setTimeout(go, this.waitMs);
    else setImmediate(go);
  }

  private async drain(): Promise<void> {
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    this.batchSizes.push(batch.length);
    try {
      const results = await this.run(batch.map((p) => p.request));
      if (results.length !== batch.length) {
        throw new Error(`generation batch returned ${results.length} results for ${batch.length} requests`);
      }
      batch.forEach((p, i) => {
        const r = results[i]!;
        if (r instanceof BatchItemFailure) p.reject(r.error);
        else p.resolve(r);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
