/** Splits `shape` around `axis` into [outer, n, inner] (the layout of every axis-wise kernel). */
export function aroundAxis(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, n: shape[axis] ?? 1, inner };
}
