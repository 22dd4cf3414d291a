/**
 * Runs `fn` over the items with at most `limit` calls in flight; resolves in item order.
 * On the first failure, or once `signal` is aborted, no new calls start, the ones in flight are
 * awaited, then it rejects (with the signal's reason when aborted).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure ??= { error: signal.reason };
        break;
      }
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
  return results;
}
