import { PythonEvalError, type PyValue } from './python-literal.js';

/**
 * `np.linalg.norm(np.asarray(pred) / 1000 - np.asarray(gt) / 1000)`, the official click distance,
 * including what numpy does with arguments that are not two numbers: a scalar or a one-element
 * point broadcasts against the ground truth, a list of points gives the norm of all their
 * differences, and strings, None, ragged lists or shapes that do not broadcast raise (PythonEvalError).
 */
export function numpyClickDistance(pred: PyValue, gt: PyValue): number {
  const p = toArray(pred);
  const g = toArray(gt);
  const shape = broadcastShape(p.shape, g.shape);
  const size = shape.reduce((n, d) => n * d, 1);
  let sum = 0;
  for (let flat = 0; flat < size; flat++) {
    const pv = p.data[offset(flat, shape, p.shape)] as number;
    const gv = g.data[offset(flat, shape, g.shape)] as number;
    const d = pv / 1000 - gv / 1000;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

interface NdArray {
  shape: number[];
  data: number[];
}

function toArray(value: PyValue): NdArray {
  if (typeof value === 'number') return { shape: [], data: [value] };
  if (value === null || typeof value === 'string') {
    throw new PythonEvalError(`TypeError: cannot divide ${value === null ? 'None' : 'a string'} by 1000`);
  }
  const items = value.map(toArray);
  const inner = items[0]?.shape ?? [];
  if (items.some((a) => a.shape.length !== inner.length || a.shape.some((d, i) => d !== inner[i]))) {
    throw new PythonEvalError('ValueError: the point has an inhomogeneous shape');
  }
  return { shape: [items.length, ...inner], data: items.flatMap((a) => a.data) };
}

/** numpy's rule: align the shapes on the right; each pair of sizes is equal or one of them is 1. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new PythonEvalError(`ValueError: operands could not be broadcast together (${a} and ${b})`);
    }
    return x === 1 ? y : x;
  });
}

/** Position in an array of `own` shape of the element at row-major index `flat` of the broadcast `shape`. */
function offset(flat: number, shape: readonly number[], own: readonly number[]): number {
  let index = 0;
  let stride = 1;
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] as number;
    const coordinate = rest % size;
    rest = Math.floor(rest / size);
    const ownAxis = axis - (shape.length - own.length);
    if (ownAxis < 0) continue;
    const ownSize = own[ownAxis] as number;
    index += (ownSize === 1 ? 0 : coordinate) * stride;
    stride *= ownSize;
  }
  return index;
}
