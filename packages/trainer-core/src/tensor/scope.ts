/**
 * Memory scopes in the style of tfjs `tidy`: every tensor created while a scope is open is
 * tracked by it, and when the scope closes every tracked tensor that is not part of the returned
 * value is disposed. Returned tensors move to the enclosing scope (or become untracked).
 */
import { Tensor } from './tensor.js';

export class Scope {
  readonly tensors = new Set<Tensor>();
}

const stack: Scope[] = [];

/** @internal Called by the Tensor constructor. */
export function trackTensor(t: Tensor): void {
  const scope = stack[stack.length - 1];
  if (scope) {
    scope.tensors.add(t);
    t.scope = scope;
  }
}

/** @internal */
export function untrackTensor(t: Tensor): void {
  if (t.scope) {
    t.scope.tensors.delete(t);
    t.scope = null;
  }
}

/** Exempts a tensor from disposal by every open scope; the caller now owns it. */
export function keep<T extends Tensor>(t: T): T {
  untrackTensor(t);
  return t;
}

/** Collects the tensors in arrays and plain objects (not class instances such as modules). */
export function collectTensors(value: unknown, into = new Set<Tensor>(), depth = 0): Set<Tensor> {
  if (depth > 8 || value === null || typeof value !== 'object') return into;
  if (value instanceof Tensor) {
    into.add(value);
    return into;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
    return into;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
  }
  return into;
}

/**
 * Runs `fn` in a new scope: tensors it creates and does not return are disposed. `fn` must be
 * synchronous (an awaited gap would let unrelated tensors into the scope).
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Scope();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    closeScope(scope, new Set());
    throw err;
  }
  if (result instanceof Promise) {
    closeScope(scope, new Set());
    throw new Error('tidy: the function returned a Promise; tidy only works with synchronous functions');
  }
  closeScope(scope, collectTensors(result));
  return result;
}

function closeScope(scope: Scope, keepSet: Set<Tensor>): void {
  const popped = stack.pop();
  if (popped !== scope) throw new Error('tidy: scopes closed out of order');
  const parent = stack[stack.length - 1];
  for (const t of scope.tensors) {
    if (keepSet.has(t)) {
      t.scope = null;
      if (parent && !t.isDisposed) {
        parent.tensors.add(t);
        t.scope = parent;
      }
    } else {
      t.scope = null;
      t.dispose();
    }
  }
  scope.tensors.clear();
}

/** Disposes every tensor found in `value` (a tensor, an array, a plain object of tensors). */
export function dispose(value: unknown): void {
  for (const t of collectTensors(value)) t.dispose();
}

/** Number of scopes currently open (for tests). */
export function scopeDepth(): number {
  return stack.length;
}
