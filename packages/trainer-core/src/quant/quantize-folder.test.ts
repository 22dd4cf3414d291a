import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { loadModel } from '../models/load.js';
import { saveModel } from '../models/save.js';
import { Linear } from '../nn/layers.js';
import { tensor } from '../ops/create.js';
import { bf16ArrayToF32 } from '../tensor/half.js';
import { expectClose } from '../test-utils/gradcheck.js';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { values } from '../test-utils/read.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { dequantizeInt8Rows, quantizeInt8Rows } from './int8.js';
import { Nf4Linear, quantizeWeightNf4 } from './nf4-linear.js';
import { decodeQuantState } from './quant-state.js';
import { quantizeModelFolder } from './quantize-folder.js';

const temp = tempDirs('guinav-quantize-');
const llama = path.join(MODEL_FIXTURES, 'llama');
const ids = () => tensor(Int32Array.of(3, 17, 250, 9, 40), [1, 5], 'i32');

describe('guinav model quantize (quantizeModelFolder)', () => {
  it("writes bitsandbytes' NF4 keys for every Linear but the head, and transformers' quantization_config", async () => {
    const out = temp();
    const report = await quantizeModelFolder(llama, out, { doubleQuant: true });
    expect(report.quantized.length).toBe(2 * 7);
    expect(report.files.sort()).toEqual(
      ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].sort(),
    );
    const file = SafetensorsFile.open(path.join(out, 'model.safetensors'));
    const input = SafetensorsFile.open(path.join(llama, 'model.safetensors'));
    try {
      const q = 'model.layers.1.mlp.down_proj.weight';
      expect(
        file
          .keys()
          .filter((k) => k.startsWith(q))
          .sort(),
      ).toEqual(
        [
          q,
          `${q}.absmax`,
          `${q}.nested_absmax`,
          `${q}.nested_quant_map`,
          `${q}.quant_map`,
          `${q}.quant_state.bitsandbytes__nf4`,
        ].sort(),
      );
      // down_proj is [24, 40]: 960 values -> 480 bytes [480, 1], 15 blocks of 64, one nested block.
      expect(file.meta(q)).toEqual({ dtype: 'u8', shape: [480, 1] });
      expect(file.meta(`${q}.absmax`)).toEqual({ dtype: 'u8', shape: [15] });
      expect(file.meta(`${q}.nested_absmax`)).toEqual({ dtype: 'f32', shape: [1] });
      const state = decodeQuantState(file.read(`${q}.quant_state.bitsandbytes__nf4`) as Uint8Array, q);
      expect(state).toMatchObject({ blocksize: 64, dtype: 'float32', shape: [24, 40], nested: { blocksize: 256 } });
      const want = quantizeWeightNf4(input.read(q) as Float32Array, [24, 40], { doubleQuant: true });
      expect(file.read(q)).toEqual(want.packed);
      expect(file.read(`${q}.absmax`)).toEqual(want.absmax);
      expect(state.nested!.offset).toBe(want.state.nested!.offset);
      // Embeddings, norms and the head are copied as they were.
      expect(file.read('lm_head.weight')).toEqual(input.read('lm_head.weight'));
      expect(file.meta('model.norm.weight')).toEqual(input.meta('model.norm.weight'));
    } finally {
      file.close();
      input.close();
    }
    const config = fs.readFileSync(path.join(out, 'config.json'), 'utf8');
    expect(config).toContain(`  "quantization_config": {
    "_load_in_4bit": true,
    "_load_in_8bit": false,
    "bnb_4bit_compute_dtype": "float32",
    "bnb_4bit_quant_storage": "uint8",
    "bnb_4bit_quant_type": "nf4",
    "bnb_4bit_use_double_quant": true,
    "llm_int8_enable_fp32_cpu_offload": false,
    "llm_int8_has_fp16_weight": false,
    "llm_int8_skip_modules": null,
    "llm_int8_threshold": 6.0,
    "load_in_4bit": true,
    "load_in_8bit": false,
    "quant_method": "bitsandbytes"
  },
`);
    // The input's numbers keep their kind (int or float); floats are written as Python's repr.
    expect(config).toContain('"rms_norm_eps": 1e-05,');
    expect(config).toContain('"rope_theta": 10000,');
    expect(config.endsWith('}\n')).toBe(true);
  });

  it('loading a folder without double quantisation counts each stored tensor once', async () => {
    const out = temp();
    await quantizeModelFolder(llama, out, { doubleQuant: false });
    const seen: [number, number][] = [];
    const loaded = await loadModel(out, { tokenizer: false, onTensor: (done, total) => seen.push([done, total]) });
    loaded.model.dispose();
    const total = seen[0]![1];
    expect(seen.every(([done]) => done <= total)).toBe(true);
    expect(seen.at(-1)![0]).toBe(total);
  });

  it('the folder loads with NF4 layers, as the full-precision folder does with --quantize nf4', async () => {
    const out = temp();
    await quantizeModelFolder(llama, out, { doubleQuant: true });
    const stored = await loadModel(out, { tokenizer: false });
    const onLoad = await loadModel(llama, { tokenizer: false, quantize: { type: 'nf4', doubleQuant: true } });
    const full = await loadModel(llama, { tokenizer: false });
    try {
      for (const m of [stored.model, onLoad.model]) {
        expect(m.getModule('model.layers.0.self_attn.q_proj')).toBeInstanceOf(Nf4Linear);
        expect(m.getModule('lm_head')).toBeInstanceOf(Linear);
      }
      const a = await values(() => stored.model.forward(ids()));
      expect(await values(() => onLoad.model.forward(ids()))).toEqual(a);
      expect(await values(() => full.model.forward(ids()))).not.toEqual(a);
    } finally {
      for (const m of [stored, onLoad, full]) m.model.dispose();
    }
  });

  it('saveModel writes an NF4 model in the same layout (buffers keep their dtype) and it loads back', async () => {
    const onLoad = await loadModel(llama, { tokenizer: false, quantize: { type: 'nf4', doubleQuant: true } });
    const out = temp();
    try {
      await saveModel(out, onLoad.model, { dtype: 'bf16' });
      const file = SafetensorsFile.open(path.join(out, 'model.safetensors'));
      try {
        expect(file.meta('model.layers.0.self_attn.o_proj.weight.quant_map').dtype).toBe('f32');
        expect(file.meta('model.layers.0.self_attn.o_proj.weight.absmax').dtype).toBe('u8');
        expect(file.meta('model.norm.weight').dtype).toBe('bf16');
      } finally {
        file.close();
      }
      const config = fs.readFileSync(path.join(out, 'config.json'), 'utf8');
      expect(config).toContain('"llm_int8_threshold": 6.0,');
      expect(config).toContain('"bnb_4bit_use_double_quant": true,');
      const back = await loadModel(out, { tokenizer: false });
      try {
        expect(back.model.getModule('model.layers.1.mlp.gate_proj')).toBeInstanceOf(Nf4Linear);
        const want = await values(() => onLoad.model.forward(ids()));
        // The norms and embeddings went through bf16; the NF4 layers are bit for bit the same.
        expectClose(await values(() => back.model.forward(ids())), want, 0.05, 'reloaded logits');
      } finally {
        back.model.dispose();
      }
    } finally {
      onLoad.model.dispose();
    }
  });

  it('quantizes bf16 weights from their values and records dtype bfloat16', async () => {
    const out = temp();
    await quantizeModelFolder(path.join(MODEL_FIXTURES, 'llama-bf16'), out);
    const file = SafetensorsFile.open(path.join(out, 'model.safetensors'));
    const input = SafetensorsFile.open(path.join(MODEL_FIXTURES, 'llama-bf16', 'model.safetensors'));
    try {
      const q = 'model.layers.0.self_attn.k_proj.weight';
      const state = decodeQuantState(file.read(`${q}.quant_state.bitsandbytes__nf4`) as Uint8Array, q);
      expect(state.dtype).toBe('bfloat16');
      expect(state.nested).toBeUndefined();
      const want = quantizeWeightNf4(bf16ArrayToF32(input.read(q) as Uint16Array), [16, 24]);
      expect(file.read(q)).toEqual(want.packed);
      expect(file.read(`${q}.absmax`)).toEqual(want.absmax);
      expect(file.meta('model.embed_tokens.weight').dtype).toBe('bf16');
    } finally {
      file.close();
      input.close();
    }
  });

  it('writes LLM.int8() weights (i8 weight, SCB, weight_format) that load dequantized', async () => {
    const out = temp();
    await quantizeModelFolder(llama, out, { method: 'int8' });
    const file = SafetensorsFile.open(path.join(out, 'model.safetensors'));
    const input = SafetensorsFile.open(path.join(llama, 'model.safetensors'));
    const q = 'model.layers.0.mlp.up_proj';
    let expected: Float32Array;
    try {
      expect(file.meta(`${q}.weight`)).toEqual({ dtype: 'i8', shape: [40, 24] });
      expect(file.meta(`${q}.SCB`)).toEqual({ dtype: 'f32', shape: [40] });
      expect(file.meta(`${q}.weight_format`)).toEqual({ dtype: 'u8', shape: [] });
      const want = quantizeInt8Rows(input.read(`${q}.weight`) as Float32Array, 40, 24);
      expect(file.read(`${q}.weight`)).toEqual(want.codes);
      expect(file.read(`${q}.SCB`)).toEqual(want.scb);
      expected = dequantizeInt8Rows(want.codes, want.scb, 24);
    } finally {
      file.close();
      input.close();
    }
    expect(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).toContain('"load_in_8bit": true');
    const loaded = await loadModel(out, { tokenizer: false });
    try {
      const w = loaded.model.getParameter(`${q}.weight`)!;
      expect(w.dtype).toBe('f32');
      expect(await w.data()).toEqual(expected);
    } finally {
      loaded.model.dispose();
    }
  });

  it('refuses a folder that is already quantized', async () => {
    const out = temp();
    await quantizeModelFolder(llama, out);
    await expect(quantizeModelFolder(out, temp())).rejects.toThrow(
      /already quantized \(it has a quantization_config\)/,
    );
  });
});
