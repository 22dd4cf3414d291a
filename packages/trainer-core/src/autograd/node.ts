/**
 * A recorded op: one entry of the autograd tape. Nodes are numbered in recording order, and
 * backward replays the part of the tape the root depends on in reverse order. A node holds the
 * tensors its gradient needs; they are freed after the backward passes through it, or as soon as
 * no live tensor can reach the node any more (a forward that is never differentiated leaks
 * nothing once its outputs are disposed).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { GradientConfig, InputMeta } from './gradients.js';

/** Where an input's gradient goes: an earlier node's output, a leaf's `.grad`, or nowhere. */
export type Edge = { readonly node: GradNode; readonly index: number } | { readonly leaf: Tensor } | null;

let nextSeq = 0;

export class GradNode {
  readonly seq = nextSeq++;
  /** Live output tensors plus later nodes that point here. */
  private refs = 0;
  private savedTensors: Tensor[];
  readonly savedVersions: number[];
  consumed = false;

  constructor(
    readonly kernelName: string,
    readonly gradient: GradientConfig<unknown>,
    readonly edges: readonly Edge[],
    readonly inputs: readonly InputMeta[],
    saved: Tensor[],
    readonly attrs: unknown,
    readonly numOutputs: number,
  ) {
    this.savedTensors = saved;
    this.savedVersions = saved.map((t) => t.storage.version);
    for (const e of edges) if (e && 'node' in e) e.node.retain();
  }

  get saved(): readonly Tensor[] {
    return this.savedTensors;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    this.refs--;
    if (this.refs > 0) return;
    this.releaseSaved();
    for (const e of this.edges) if (e && 'node' in e) e.node.release();
  }

  releaseSaved(): void {
    for (const t of this.savedTensors) t.dispose();
    this.savedTensors = [];
  }

  /** Throws if a saved tensor was written in place after the forward (its gradient would be wrong). */
  checkSavedVersions(): void {
    this.savedTensors.forEach((t, i) => {
      if (t.storage.version !== this.savedVersions[i]) {
        throw new Error(
          `backward: a tensor saved by ${this.kernelName} (${t.describe()}) was modified in place after the forward ` +
            '(e.g. an optimizer step between forward and backward)',
        );
      }
    });
  }
}
