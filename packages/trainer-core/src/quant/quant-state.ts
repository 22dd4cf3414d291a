/**
 * bitsandbytes' serialized 4-bit quant state (QuantState.as_dict(packed=True)): next to the packed
 * weight `W.weight` (u8 [(n + 1) / 2, 1]) a checkpoint holds `W.weight.absmax`, `W.weight.quant_map`
 * (f32 [16]), with double quantization `W.weight.nested_absmax` and `W.weight.nested_quant_map`
 * (f32 [256]), and `W.weight.quant_state.bitsandbytes__nf4`: the non-tensor fields as the bytes of
 * `json.dumps` (keys in as_dict's order: quant_type, blocksize, dtype, shape, then nested_blocksize,
 * nested_dtype, nested_offset).
 */
import { z } from 'zod';
import { type PyJson, pyInt, pyJsonDumps } from './python-json.js';

/** The torch dtypes a quantized weight can come from, as QuantState writes them (`str(dtype)` minus `torch.`). */
export const TORCH_DTYPES = { float32: 'f32', bfloat16: 'bf16', float16: 'f16' } as const;
export type TorchDType = keyof typeof TORCH_DTYPES;

export interface NestedQuantState {
  blocksize: number;
  offset: number;
}

export interface Nf4QuantState {
  blocksize: number;
  /** dtype of the weight before quantization (what dequantization returns). */
  dtype: TorchDType;
  /** The weight's shape, [out, in] for a Linear. */
  shape: readonly number[];
  nested?: NestedQuantState;
}

/** The keys of one quantized weight, e.g. `model.layers.0.mlp.up_proj.weight.absmax`. */
export const QUANT_STATE_SUFFIX = 'quant_state.bitsandbytes__nf4';
export const BNB_WEIGHT_PARTS = [
  'absmax',
  'quant_map',
  'nested_absmax',
  'nested_quant_map',
  QUANT_STATE_SUFFIX,
] as const;

export function encodeQuantState(s: Nf4QuantState): Uint8Array {
  const dict: Record<string, PyJson> = {
    quant_type: 'nf4',
    blocksize: pyInt(s.blocksize),
    dtype: s.dtype,
    shape: s.shape.map(pyInt),
  };
  if (s.nested) {
    dict.nested_blocksize = pyInt(s.nested.blocksize);
    dict.nested_dtype = 'float32';
    dict.nested_offset = s.nested.offset;
  }
  return new TextEncoder().encode(pyJsonDumps(dict));
}

const PositiveInt = z.number().int().positive();
const QuantStateSchema = z
  .object({
    quant_type: z.string(),
    blocksize: PositiveInt,
    dtype: z.enum(Object.keys(TORCH_DTYPES) as [TorchDType, ...TorchDType[]]),
    shape: z.array(z.number().int().nonnegative()),
    nested_blocksize: PositiveInt.optional(),
    nested_dtype: z.string().optional(),
    nested_offset: z.number().optional(),
  })
  .strict();

/** Parses the JSON bytes of `…weight.quant_state.bitsandbytes__nf4`; `where` names the tensor in errors. */
export function decodeQuantState(bytes: Uint8Array, where: string): Nf4QuantState {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new Error(`${where}: not the JSON of a bitsandbytes quant state (${(err as Error).message})`);
  }
  const parsed = QuantStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  const q = parsed.data;
  if (q.quant_type !== 'nf4') {
    throw new Error(`${where}: field "quant_type": "${q.quant_type}" is not supported (guinav reads nf4)`);
  }
  const state: Nf4QuantState = { blocksize: q.blocksize, dtype: q.dtype, shape: q.shape };
  const nestedFields = [q.nested_blocksize, q.nested_offset, q.nested_dtype].filter((v) => v !== undefined).length;
  if (nestedFields !== 0 && nestedFields !== 3) {
    throw new Error(`${where}: nested_blocksize, nested_dtype and nested_offset must come together`);
  }
  if (q.nested_blocksize !== undefined) {
    if (q.nested_dtype !== 'float32') {
      throw new Error(`${where}: field "nested_dtype": expected "float32", got ${JSON.stringify(q.nested_dtype)}`);
    }
    state.nested = { blocksize: q.nested_blocksize, offset: q.nested_offset! };
  }
  return state;
}
