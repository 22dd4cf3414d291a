import v8 from 'node:v8';

/** The most this process's JavaScript heap may grow to (Node's --max-old-space-size). */
export function heapLimitBytes(): number {
  return v8.getHeapStatistics().heap_size_limit;
}

/** `1.5 GiB`, `640 MiB`, `12 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** Work up to this share of the heap limit is accepted; the rest is for everything else. */
const HEAP_SHARE = 0.8;

/**
 * Refuses work whose estimated memory would not fit in this process (an out-of-memory abort
 * after minutes of work is the alternative), saying what was asked, what it needs, what is
 * available and what to do instead.
 */
export function checkFitsInMemory(
  need: { bytes: number; what: string; advice: string },
  limit = heapLimitBytes(),
): void {
  if (need.bytes <= HEAP_SHARE * limit) return;
  throw new Error(
    `${need.what} would need about ${formatBytes(need.bytes)} of memory; this process may use ${formatBytes(limit)}. ` +
      `${need.advice} (or, on a machine with the memory, raise Node's limit: NODE_OPTIONS=--max-old-space-size=<MiB>)`,
  );
}
