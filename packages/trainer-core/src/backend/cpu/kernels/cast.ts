import { Cast } from '../../../kernels/memory.js';
import type { DType, TypedArray } from '../../../tensor/dtype.js';
import {
  bf16ArrayToF32,
  bf16BitsToF32,
  f16ArrayToF32,
  f16BitsToF32,
  f32ToBf16Bits,
  f32ToF16Bits,
} from '../../../tensor/half.js';
import { registerCpuKernel } from '../register-kernel.js';

function decoder(dtype: DType): ((x: number) => number) | undefined {
  if (dtype === 'f16') return f16BitsToF32;
  if (dtype === 'bf16') return bf16BitsToF32;
  return undefined;
}

function encoder(dtype: DType): (x: number) => number {
  switch (dtype) {
    case 'f16':
      return f32ToF16Bits;
    case 'bf16':
      return f32ToBf16Bits;
    case 'i32':
    case 'u8':
    case 'i8':
      return Math.trunc;
    default:
      return (x) => x;
  }
}

/** Converts between dtypes; f16/bf16 decode exactly and encode with round-to-nearest-even. */
export function castValues(out: TypedArray, outType: DType, x: TypedArray, inType: DType): void {
  if (inType === outType) {
    out.set(x as never);
    return;
  }
  if (outType === 'f32' && inType === 'f16') {
    f16ArrayToF32(x as Uint16Array, out as Float32Array);
    return;
  }
  if (outType === 'f32' && inType === 'bf16') {
    bf16ArrayToF32(x as Uint16Array, out as Float32Array);
    return;
  }
  const dec = decoder(inType);
  const enc = encoder(outType);
  for (let i = 0; i < x.length; i++) {
    const v = dec ? dec(x[i]!) : x[i]!;
    out[i] = enc(v);
  }
}

registerCpuKernel(Cast, {
  reference: ({ backend, inputs: [x], outputs: [y] }) =>
    castValues(backend.view(y!), y!.dtype, backend.view(x!), x!.dtype),
});
