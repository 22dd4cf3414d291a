import { Nf4Dequantize, Nf4Matmul, type Nf4MatmulAttrs } from '../../../kernels/quant.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { matmulReference } from '../reference/matmul.js';
import { dequantizeNf4Into, type Nf4Arrays } from '../reference/nf4.js';
import { registerCpuKernel } from '../register-kernel.js';

function quantized(
  backend: CpuBackend,
  [weight, code, absmax, nestedAbsmax, nestedCode]: readonly TensorInfo[],
): Nf4Arrays {
  return {
    weight: backend.view(weight!) as Uint8Array,
    code: backend.view(code!) as Float32Array,
    absmax: backend.view(absmax!) as Float32Array | Uint8Array,
    nestedAbsmax: nestedAbsmax ? (backend.view(nestedAbsmax) as Float32Array) : undefined,
    nestedCode: nestedCode ? (backend.view(nestedCode) as Float32Array) : undefined,
  };
}

/** Rows of x, and the (k, n) of the product: x [m, k] @ op(W) -> [m, n]. */
function dims(x: TensorInfo, a: Nf4MatmulAttrs) {
  const { rows } = lastAxisRows(x.shape);
  const [k, n] = a.transposed ? [a.outFeatures, a.inFeatures] : [a.inFeatures, a.outFeatures];
  return { m: rows, n, k };
}

registerCpuKernel(Nf4Matmul, {
  reference: ({ backend, inputs: [x, ...rest], outputs: [y], attrs }) => {
    const { m, n, k } = dims(x!, attrs);
    const xv = backend.floats(x!);
    const w = new (xv instanceof Float64Array ? Float64Array : Float32Array)(attrs.outFeatures * attrs.inFeatures);
    dequantizeNf4Into(w, quantized(backend, rest), attrs);
    const call = { batch: 1, aOffset: 0, bOffset: 0, cOffset: 0, strideA: 0, strideB: 0, strideC: 0 };
    const p = { m, n, k, transA: false, transB: !attrs.transposed, alpha: 1, accumulate: false };
    matmulReference(backend.floats(y!), xv, w, p, call);
  },
  fast: (fast, { backend, inputs: [x, weight, code, absmax, nestedAbsmax, nestedCode], outputs: [y], attrs }) => {
    const { m, n, k } = dims(x!, attrs);
    fast.nf4Matmul({
      x: backend.pointer(x!),
      w: backend.pointer(weight!),
      code: backend.pointer(code!),
      absmax: backend.pointer(absmax!),
      nestedAbsmax: nestedAbsmax ? backend.pointer(nestedAbsmax) : 0,
      nestedCode: nestedCode ? backend.pointer(nestedCode) : 0,
      out: backend.pointer(y!),
      m,
      n,
      k,
      wT: !attrs.transposed,
      blocksize: attrs.blocksize,
      nestedBlocksize: attrs.nestedBlocksize,
      offset: attrs.nestedOffset,
    });
  },
});

registerCpuKernel(Nf4Dequantize, {
  reference: ({ backend, inputs, outputs: [w], attrs }) => {
    dequantizeNf4Into(backend.floats(w!), quantized(backend, inputs), attrs);
  },
});
