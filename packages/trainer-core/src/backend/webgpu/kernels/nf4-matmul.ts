/** NF4 matmul (x W^T or x W, the weight dequantized tile by tile) and dequantization. */
import { Nf4Dequantize, Nf4Matmul } from '../../../kernels/quant.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import type { TensorInfo } from '../../backend.js';
import { type Nf4Views, runNf4Dequantize, runNf4Matmul } from '../programs/nf4.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { tensorView } from '../webgpu-backend.js';

function views([weight, code, absmax, nestedAbsmax, nestedCode]: readonly TensorInfo[]): Nf4Views {
  return {
    weight: tensorView(weight!),
    code: tensorView(code!),
    absmax: tensorView(absmax!),
    ...(nestedAbsmax && nestedCode
      ? { nestedAbsmax: tensorView(nestedAbsmax), nestedCode: tensorView(nestedCode) }
      : {}),
  };
}

registerWebGpuKernel(Nf4Matmul, ({ backend, inputs: [x, ...quantized], outputs: [y], attrs }) => {
  const [k, n] = attrs.transposed ? [attrs.outFeatures, attrs.inFeatures] : [attrs.inFeatures, attrs.outFeatures];
  runNf4Matmul(backend, {
    x: tensorView(x!),
    quantized: views(quantized),
    y: tensorView(y!),
    m: lastAxisRows(x!.shape).rows,
    n,
    k,
    wT: !attrs.transposed,
    blocksize: attrs.blocksize,
    nestedBlocksize: attrs.nestedBlocksize,
    nestedOffset: attrs.nestedOffset,
  });
});

registerWebGpuKernel(Nf4Dequantize, ({ backend, inputs, outputs: [w], attrs }) => {
  runNf4Dequantize(backend, views(inputs), tensorView(w!), attrs);
});
