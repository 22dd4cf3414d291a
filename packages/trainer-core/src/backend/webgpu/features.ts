/**
 * Which kernels use which optional WebGPU feature, and what runs instead without it. `guinav
 * doctor` prints this for each adapter; the kernels read the same flags (WebGpuBackend.features).
 */

export type OptionalFeature = 'shader-f16' | 'subgroups' | 'timestamp-query';

export interface FeatureUse {
  readonly feature: OptionalFeature;
  /** Kernels (or backend services) that use the feature when the adapter has it. */
  readonly usedBy: readonly string[];
  /** What runs on an adapter without it. */
  readonly fallback: string;
}

export const FEATURE_USES: readonly FeatureUse[] = [
  {
    feature: 'shader-f16',
    usedBy: ['Matmul with f16 storage (f32 accumulation): the matmul_f16 benchmark'],
    fallback:
      'f16 and bf16 tensors are read and written as packed u32 words by Cast, Copy, Gather, Concat, Fill and ' +
      'Assign on every adapter (checkpoints in either load); compute is f32',
  },
  {
    feature: 'subgroups',
    usedBy: [
      'row reductions of Softmax, LogSoftmax and their gradients, RmsNorm, LayerNorm and their gradients, ' +
        'CrossEntropy, and long Sum / SumSquares reductions',
    ],
    fallback: 'a shared-memory tree reduction',
  },
  {
    feature: 'timestamp-query',
    usedBy: ['Backend.time (GPU timestamps around the timed compute passes)'],
    fallback: 'wall time from a synced queue to the completion of the timed work',
  },
];

export interface FeatureStatus extends FeatureUse {
  readonly available: boolean;
}

/** Each optional feature, whether `features` (an adapter's feature names) has it, and its uses. */
export function featureStatus(features: readonly string[]): FeatureStatus[] {
  return FEATURE_USES.map((u) => ({ ...u, available: features.includes(u.feature) }));
}
