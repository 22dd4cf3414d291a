import { Worker } from 'node:worker_threads';
import { rasterizeSvgToFile } from '../../workers/rasterize.mjs';

/** Turns SVG documents into PNG files, in this thread or in a pool of worker threads. */
export interface Rasterizer {
  rasterize(svg: string, file: string): Promise<void>;
  close(): Promise<void>;
}

export function inProcessRasterizer(): Rasterizer {
  return { rasterize: rasterizeSvgToFile, close: async () => {} };
}

interface PendingJob {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, PendingJob>;
}

/**
 * `size` worker threads, each rendering with sharp; a job goes to the worker with the fewest
 * jobs in flight. A crashed worker fails its own jobs with the reason.
 */
export function workerRasterizer(size: number): Rasterizer {
  const url = new URL('../../workers/render-worker.mjs', import.meta.url);
  let nextId = 0;
  const pool: PoolWorker[] = Array.from({ length: size }, () => {
    const entry: PoolWorker = { worker: new Worker(url), pending: new Map() };
    entry.worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const job = entry.pending.get(id);
      entry.pending.delete(id);
      if (error === undefined) job?.resolve();
      else job?.reject(new Error(error));
    });
    const failAll = (err: Error) => {
      for (const job of entry.pending.values()) job.reject(err);
      entry.pending.clear();
    };
    entry.worker.on('error', failAll);
    entry.worker.on('exit', (code) => failAll(new Error(`render worker exited with code ${code}`)));
    return entry;
  });
  return {
    rasterize(svg, file) {
      const target = pool.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        target.worker.postMessage({ id, svg, file });
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.worker.terminate()));
    },
  };
}
