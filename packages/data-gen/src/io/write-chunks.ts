import { open } from 'node:fs/promises';
import { withPath } from './write-errors.js';

/** Text is handed to the file system in pieces of about this size. */
const BATCH_CHARS = 1 << 20;

/**
 * Writes text chunks to a new file, batched, checking `signal` between batches (so Ctrl-C is
 * seen during a long write) and reporting the chunks written so far after each batch; flushes the
 * file to disk before returning. Errors name the file.
 */
export async function writeChunks(
  file: string,
  chunks: Iterable<string>,
  options: { signal?: AbortSignal; onWritten?: (chunks: number) => void } = {},
): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'wx');
    let batch: string[] = [];
    let size = 0;
    let written = 0;
    const flush = async () => {
      options.signal?.throwIfAborted();
      // writeFile on a handle writes all of it from the current position (write() may stop short).
      await (handle as NonNullable<typeof handle>).writeFile(batch.join(''));
      written += batch.length;
      batch = [];
      size = 0;
      options.onWritten?.(written);
    };
    for (const chunk of chunks) {
      batch.push(chunk);
      size += chunk.length;
      if (size >= BATCH_CHARS) await flush();
    }
    await flush();
    await handle.sync();
  } catch (err) {
    throw withPath(err, file);
  } finally {
    await handle?.close();
  }
}
