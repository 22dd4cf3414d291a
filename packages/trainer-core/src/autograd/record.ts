/** Recording ops on the tape. */
import type { KernelDef, OpDef } from '../kernels/define.js';
import { runKernel } from '../tensor/engine.js';
import { aliasTensor, type Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { getGradient } from './gradients.js';
import { type Edge, GradNode } from './node.js';

/** Whether an op on these inputs must be recorded. */
export function shouldRecord(inputs: readonly (Tensor | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/**
 * Records `outputs = op(inputs)` with the gradient registered for `def`. `saved` tensors are
 * kept alive (shared, not copied) until the backward has passed or the node becomes unreachable.
 */
export function recordOp<A>(
  def: OpDef<A>,
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  attrs: A,
  saved: readonly Tensor[],
): void {
  const gradient = getGradient(def as OpDef);
  const differentiable = gradient.differentiableOutputs ?? outputs.map((_, i) => i);
  if (differentiable.length === 0) return;
  const edges: Edge[] = inputs.map((t) => {
    if (!t.requiresGrad) return null;
    if (t.node) return { node: t.node, index: t.outputIndex };
    return { leaf: t };
  });
  const node = new GradNode(
    def.name,
    gradient,
    edges,
    inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    saved.map(aliasTensor),
    attrs,
    outputs.length,
  );
  for (const i of differentiable) {
    const out = outputs[i];
    if (!out) continue;
    out.node = node;
    out.outputIndex = i;
    node.retain();
  }
}

/** Runs a kernel and records it under its own name when any input requires grad. */
export function runOp<A>(def: KernelDef<A>, inputs: readonly Tensor[], attrs: NoInfer<A>): Tensor[] {
  const outputs = runKernel(def, inputs, attrs);
  if (shouldRecord(inputs)) {
    const gradient = getGradient(def as OpDef);
    const saved = gradient.save ? gradient.save(inputs, outputs, attrs) : [];
    recordOp(def, inputs, outputs, attrs, saved);
  }
  return outputs;
}
