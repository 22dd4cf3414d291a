/** View ops: no kernel runs (the output shares the input's storage), but autograd records them. */
import { defineView } from './define.js';

export const Reshape = defineView('Reshape');
export const Permute = defineView<{ perm: readonly number[] }>('Permute');
export const Slice = defineView<{ starts: readonly number[] }>('Slice');
export const Expand = defineView('Expand');
