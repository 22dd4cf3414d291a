/**
 * A Linear layer whose weight is stored in bitsandbytes' NF4 layout (Linear4bit / Params4bit):
 * the packed codes, the per-block absmax (u8 with double quantization, plus the nested absmax and
 * map), the code table and the quant-state JSON are buffers whose checkpoint keys are exactly
 * bitsandbytes' (`weight`, `weight.absmax`, `weight.quant_map`, `weight.nested_absmax`,
 * `weight.nested_quant_map`, `weight.quant_state.bitsandbytes__nf4`), so `stateDict()` is what
 * transformers saves. The forward runs the fused Nf4Matmul kernel: the weight is dequantized block
 * by block inside the matmul and never exists in full precision. The weight is frozen (a bias, when
 * present, is a frozen parameter too): QLoRA trains LoRA adapters on top.
 */
import type { Backend } from '../backend/backend.js';
import { Module } from '../nn/module.js';
import { tensor } from '../ops/create.js';
import { add } from '../ops/elementwise.js';
import { type Nf4WeightTensors, nf4Dequantize, nf4Matmul } from '../ops/quant-matmul.js';
import type { Tensor } from '../tensor/tensor.js';
import { dequantizeAbsmax, doubleQuantize, NESTED_BLOCKSIZE } from './double-quant.js';
import { dequantizeNf4, NF4_CODE, quantizeNf4 } from './nf4.js';
import { encodeQuantState, type Nf4QuantState, type TorchDType } from './quant-state.js';

/** Host arrays of one quantized weight, as a bitsandbytes checkpoint stores them. */
export interface Nf4Data {
  state: Nf4QuantState;
  /** (n + 1) >> 1 bytes (saved with shape [(n + 1) / 2, 1]). */
  packed: Uint8Array;
  /** f32 per block, or u8 codes when `state.nested` is set. */
  absmax: Float32Array | Uint8Array;
  /** The 16-entry code (quant_map). */
  code: Float32Array;
  nestedAbsmax?: Float32Array;
  nestedCode?: Float32Array;
}

export interface QuantizeNf4Options {
  /** Elements per block (default 64). */
  blocksize?: number;
  /** Quantize the absmax values again (bnb_4bit_use_double_quant; default false). */
  doubleQuant?: boolean;
  /** The dtype the weight had (recorded in the quant state; default float32). */
  dtype?: TorchDType;
}

/** Quantizes an [out, in] weight as bitsandbytes' Params4bit does on the GPU. */
export function quantizeWeightNf4(
  values: Float32Array,
  shape: readonly [number, number],
  options: QuantizeNf4Options = {},
): Nf4Data {
  if (values.length !== shape[0] * shape[1]) {
    throw new RangeError(`quantizeWeightNf4: ${values.length} values do not fill [${shape.join(', ')}]`);
  }
  const blocksize = options.blocksize ?? 64;
  const { packed, absmax } = quantizeNf4(values, blocksize);
  const state: Nf4QuantState = { blocksize, dtype: options.dtype ?? 'float32', shape };
  if (!options.doubleQuant) return { state, packed, absmax, code: NF4_CODE.slice() };
  const dq = doubleQuantize(absmax);
  return {
    state: { ...state, nested: { blocksize: NESTED_BLOCKSIZE, offset: dq.offset } },
    packed,
    absmax: dq.codes,
    code: NF4_CODE.slice(),
    nestedAbsmax: dq.nestedAbsmax,
    nestedCode: dq.nestedCode,
  };
}

/** The f32 weight an Nf4Data stands for (what bitsandbytes' dequantize_4bit returns, before the dtype cast). */
export function dequantizeWeightNf4(d: Nf4Data): Float32Array {
  const [out, inF] = d.state.shape as [number, number];
  const absmax = d.state.nested
    ? dequantizeAbsmax(
        {
          codes: d.absmax as Uint8Array,
          nestedAbsmax: d.nestedAbsmax!,
          nestedCode: d.nestedCode!,
          offset: d.state.nested.offset,
        },
        d.state.nested.blocksize,
      )
    : (d.absmax as Float32Array);
  const values = dequantizeNf4(d.packed, absmax, out * inF, d.state.blocksize);
  return values;
}

export interface Nf4LinearOptions {
  /** Where the buffers live (default: the engine's current backend). */
  backend?: Backend;
  /** The bias values, kept as a frozen f32 parameter. */
  bias?: Float32Array;
}

export class Nf4Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly state: Nf4QuantState;
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;
  private readonly tensors: Nf4WeightTensors;

  constructor(data: Nf4Data, options: Nf4LinearOptions = {}) {
    super();
    const { state } = data;
    if (state.shape.length !== 2)
      throw new RangeError(`Nf4Linear: the weight must be 2-D, got [${state.shape.join(', ')}]`);
    [this.outFeatures, this.inFeatures] = state.shape as [number, number];
    this.state = state;
    const opts = { backend: options.backend };
    const n = this.outFeatures * this.inFeatures;
    this.weight = this.addBuffer('weight', tensor(data.packed, [(n + 1) >> 1, 1], 'u8', opts));
    const absmax = this.addBuffer('absmax', tensor(data.absmax, [data.absmax.length], undefined, opts), {
      stateKey: 'weight.absmax',
    });
    const code = this.addBuffer('quant_map', tensor(data.code, [16], 'f32', opts), { stateKey: 'weight.quant_map' });
    let nested: Nf4WeightTensors['nested'];
    if (state.nested) {
      if (!data.nestedAbsmax || !data.nestedCode)
        throw new Error('Nf4Linear: double quantization needs the nested absmax and map');
      nested = {
        absmax: this.addBuffer('nested_absmax', tensor(data.nestedAbsmax, undefined, 'f32', opts), {
          stateKey: 'weight.nested_absmax',
        }),
        code: this.addBuffer('nested_quant_map', tensor(data.nestedCode, undefined, 'f32', opts), {
          stateKey: 'weight.nested_quant_map',
        }),
        blocksize: state.nested.blocksize,
        offset: state.nested.offset,
      };
    }
    this.addBuffer('quant_state', tensor(encodeQuantState(state), undefined, 'u8', opts), {
      stateKey: 'weight.quant_state.bitsandbytes__nf4',
    });
    this.bias = options.bias ? this.addParameter('bias', tensor(options.bias, undefined, 'f32', opts)) : undefined;
    if (this.bias) this.bias.requiresGrad = false;
    this.tensors = {
      outFeatures: this.outFeatures,
      inFeatures: this.inFeatures,
      blocksize: state.blocksize,
      weight: this.weight,
      code,
      absmax,
      nested,
    };
  }

  forward(x: Tensor): Tensor {
    const y = nf4Matmul(x, this.tensors);
    if (!this.bias) return y;
    const out = add(y, this.bias);
    y.dispose();
    return out;
  }

  /** The f32 weight [out, in] this layer stands for, on its backend (a new tensor). */
  dequantize(): Tensor {
    return nf4Dequantize(this.tensors);
  }

  /** The host arrays of the quantized weight (read from the backend). */
  async data(): Promise<Nf4Data> {
    const t = this.tensors;
    return {
      state: this.state,
      packed: (await t.weight.data()) as Uint8Array,
      absmax: (await t.absmax.data()) as Float32Array | Uint8Array,
      code: (await t.code.data()) as Float32Array,
      nestedAbsmax: t.nested ? ((await t.nested.absmax.data()) as Float32Array) : undefined,
      nestedCode: t.nested ? ((await t.nested.code.data()) as Float32Array) : undefined,
    };
  }
}
