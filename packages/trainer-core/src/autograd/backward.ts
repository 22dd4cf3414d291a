/**
 * Reverse-mode differentiation. Collects the recorded nodes the root depends on, replays them
 * in reverse recording order, and adds leaf gradients into `.grad` (so micro-batches accumulate
 * until the gradients are zeroed). Each node's saved tensors are freed as soon as the backward
 * has passed through it; a second backward through the same graph is an error, as in PyTorch.
 */
import { Add, AddInPlace, Copy, Fill } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { tidy, untrackTensor } from '../tensor/scope.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { aliasTensor, peekNextTensorId, type Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';
import type { GradContext } from './gradients.js';
import type { GradNode } from './node.js';

export function runBackward(root: Tensor, seed?: Tensor): void {
  root.assertAlive('backward');
  if (!root.requiresGrad) {
    throw new Error(
      `backward: ${root.describe()} does not require grad (none of the inputs it was computed from requires grad, ` +
        'or it was computed under noGrad)',
    );
  }
  if (seed) {
    seed.assertAlive('backward');
    if (!shapesEqual(seed.shape, root.shape) || seed.dtype !== root.dtype) {
      throw new RangeError(`backward: the gradient ${seed.describe()} does not match ${root.describe()}`);
    }
  } else if (root.size !== 1) {
    throw new RangeError(`backward: ${root.describe()} is not a scalar; pass the output gradient explicitly`);
  }
  noGrad(() => {
    const g0 = seed
      ? aliasTensor(seed)
      : runKernel(Fill, [], { shape: root.shape, dtype: root.dtype, value: 1 }, root.backend)[0]!;
    untrackTensor(g0);
    const rootNode = root.node;
    if (!rootNode) {
      accumulateLeaf(root, g0);
      return;
    }
    const pending = new Map<GradNode, (Tensor | null)[]>();
    const slots = new Array<Tensor | null>(rootNode.numOutputs).fill(null);
    slots[root.outputIndex] = g0;
    pending.set(rootNode, slots);
    try {
      for (const node of collectNodes(rootNode)) {
        const dys = pending.get(node);
        if (!dys) continue;
        pending.delete(node);
        try {
          backwardNode(node, dys, pending);
        } finally {
          for (const d of dys) d?.dispose();
        }
      }
    } finally {
      for (const dys of pending.values()) for (const d of dys) d?.dispose();
    }
  });
}

/** Nodes reachable from the root, latest first (a valid reverse topological order). */
function collectNodes(root: GradNode): GradNode[] {
  const seen = new Set<GradNode>([root]);
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.consumed) {
      throw new Error(
        `backward: the graph through ${node.kernelName} was already differentiated and its saved tensors freed; ` +
          'run the forward again',
      );
    }
    for (const e of node.edges) {
      if (e && 'node' in e && !seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  return [...seen].sort((a, b) => b.seq - a.seq);
}

function backwardNode(node: GradNode, dys: (Tensor | null)[], pending: Map<GradNode, (Tensor | null)[]>): void {
  node.checkSavedVersions();
  const firstNew = peekNextTensorId();
  const ctx: GradContext<unknown> = {
    dys,
    get dy(): Tensor {
      const d = dys[0];
      if (!d) throw new Error(`backward: ${node.kernelName} output 0 received no gradient`);
      return d;
    },
    saved: node.saved,
    attrs: node.attrs,
    inputs: node.inputs,
    needsGrad: node.edges.map((e) => e !== null),
  };
  const grads = tidy(() => node.gradient.grad(ctx));
  const claimed = new Set<Tensor>();
  node.edges.forEach((edge, i) => {
    const g = grads[i];
    if (!g) return;
    // A fresh result is ours the first time we see it; anything else (dy, a saved tensor, a
    // repeated result) gets its own handle so every owner disposes exactly once.
    const fresh = g.id >= firstNew && !claimed.has(g);
    if (!edge) {
      if (fresh) g.dispose();
      return;
    }
    const meta = node.inputs[i]!;
    if (!shapesEqual(g.shape, meta.shape)) {
      throw new Error(
        `backward: ${node.kernelName} produced a gradient of shape ${formatShape(g.shape)} for input ${i}, ` +
          `expected ${formatShape(meta.shape)}`,
      );
    }
    let owned: Tensor;
    if (fresh) {
      claimed.add(g);
      owned = g;
    } else {
      owned = aliasTensor(g);
    }
    untrackTensor(owned);
    if ('leaf' in edge) {
      accumulateLeaf(edge.leaf, owned);
      return;
    }
    let slots = pending.get(edge.node);
    if (!slots) {
      slots = new Array<Tensor | null>(edge.node.numOutputs).fill(null);
      pending.set(edge.node, slots);
    }
    const prev = slots[edge.index];
    if (prev) {
      slots[edge.index] = accumulate(prev, owned);
    } else {
      slots[edge.index] = owned;
    }
  });
  // Fresh results that went nowhere (their edge was null) were disposed above; the rest of the
  // gradient function's temporaries were disposed by tidy.
  node.releaseSaved();
  node.consumed = true;
}

/** prev + g for a pending gradient: in place when prev owns its storage outright. */
function accumulate(prev: Tensor, g: Tensor): Tensor {
  if (exclusive(prev) && shapesEqual(prev.shape, g.shape)) {
    runKernel(AddInPlace, [prev, g], { alpha: 1 });
    g.dispose();
    return prev;
  }
  const [sum] = runKernel(Add, [prev, g], {});
  untrackTensor(sum!);
  prev.dispose();
  g.dispose();
  return sum!;
}

/** The tensor is the only view of its whole, contiguous storage (safe to write in place). */
function exclusive(t: Tensor): boolean {
  return t.storage.refs === 1 && t.isContiguous && t.offset === 0 && t.size === t.storage.size;
}

/** Adds `g` (owned, untracked) into `leaf.grad`, taking it over when there is no gradient yet. */
function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.isDisposed) {
    g.dispose();
    throw new Error(`backward: ${leaf.describe()} was disposed before its gradient arrived`);
  }
  if (leaf.grad && !leaf.grad.isDisposed) {
    runKernel(AddInPlace, [leaf.grad, g], { alpha: 1 });
    g.dispose();
    return;
  }
  // The gradient is written in place later (accumulation, clipping), so it must own its storage.
  if (!exclusive(g)) {
    const [copy] = runKernel(Copy, [g], {});
    g.dispose();
    g = copy!;
    untrackTensor(g);
  }
  leaf.grad = g;
}
