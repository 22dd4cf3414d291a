/** Matmul with an NF4-quantized weight (the QLoRA base layer); differentiable in x only (the weight is frozen). */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { Nf4Dequantize, Nf4Matmul, type Nf4MatmulAttrs } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';

/** The tensors and layout of one NF4 weight [outFeatures, inFeatures]. */
export interface Nf4WeightTensors {
  outFeatures: number;
  inFeatures: number;
  blocksize: number;
  /** u8, two codes per byte. */
  weight: Tensor;
  /** f32 [16], the code (bitsandbytes' quant_map). */
  code: Tensor;
  /** f32 per block, or u8 codes with double quantization. */
  absmax: Tensor;
  nested?: { absmax: Tensor; code: Tensor; blocksize: number; offset: number };
}

function attrsOf(w: Nf4WeightTensors, transposed: boolean): Nf4MatmulAttrs {
  return {
    outFeatures: w.outFeatures,
    inFeatures: w.inFeatures,
    blocksize: w.blocksize,
    transposed,
    nestedBlocksize: w.nested?.blocksize ?? 0,
    nestedOffset: w.nested?.offset ?? 0,
  };
}

function quantizedInputs(w: Nf4WeightTensors): Tensor[] {
  const base = [w.weight, w.code, w.absmax];
  return w.nested ? [...base, w.nested.absmax, w.nested.code] : base;
}

/** x W^T with W dequantized block by block in the kernel (x W when `transposed`). */
export function nf4Matmul(x: Tensor, w: Nf4WeightTensors, transposed = false): Tensor {
  x.assertAlive('nf4Matmul');
  return runOp(Nf4Matmul, [x, ...quantizedInputs(w)], attrsOf(w, transposed))[0]!;
}

/** The f32 weight [out, in] an NF4 weight stands for (code * absmax per element). */
export function nf4Dequantize(w: Nf4WeightTensors): Tensor {
  const { transposed: _, ...attrs } = attrsOf(w, false);
  return runKernel(Nf4Dequantize, quantizedInputs(w), attrs)[0]!;
}

registerGradient(Nf4Matmul, {
  save: (inputs) => inputs.slice(1),
  // d(x W^T)/dx = dy W and back: the same kernel with the other orientation.
  grad: ({ dy, saved, attrs, needsGrad }) => [
    needsGrad[0] ? runKernel(Nf4Matmul, [dy, ...saved], { ...attrs, transposed: !attrs.transposed })[0]! : null,
    ...saved.map(() => null),
  ],
});
