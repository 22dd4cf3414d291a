/** The fused attention kernels as module exports (forward and backward live in their own files). */
import type { ModuleBuilder } from '../../emit/module-builder.js';
import { emitAttentionBackward } from './backward.js';
import { ATTENTION_BACKWARD_PARAMS, ATTENTION_PARAMS, type AttentionDeps } from './common.js';
import { emitAttentionForward } from './forward.js';

export { ATTENTION_BACKWARD_PARAMS, ATTENTION_PARAMS, type HostMath } from './common.js';

export function emitAttention(mod: ModuleBuilder, deps: AttentionDeps): void {
  mod.function(
    'attention_forward',
    ATTENTION_PARAMS.map((p) => (p === 'scale' ? 'f32' : 'i32')),
    undefined,
    (f) => emitAttentionForward(f, deps),
  );
  mod.function(
    'attention_backward',
    ATTENTION_BACKWARD_PARAMS.map((p) => (p === 'scale' ? 'f32' : 'i32')),
    undefined,
    (f) => emitAttentionBackward(f, deps),
  );
}
