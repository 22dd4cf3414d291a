import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../io/safetensors/reader.js';
import { loadStateDict, memoryTensorSource, type TensorSource } from '../../nn/state-dict.js';
import { tensor } from '../../ops/create.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { MODEL_FIXTURES } from '../../test-utils/model-fixtures.js';
import { createCausalLM } from '../families.js';
import { collateVisionLM } from './batch.js';
import { llavaCheckpointKey } from './checkpoint-keys.js';
import { loadLlava } from './load.js';
import { imageScatterIndex, type LlavaForConditionalGeneration } from './modeling.js';

const FIXTURE = path.join(MODEL_FIXTURES, 'llava');

function readAll(file: string) {
  const f = SafetensorsFile.open(file);
  try {
    return new Map(f.keys().map((k) => [k, { ...f.meta(k), data: f.read(k) }]));
  } finally {
    f.close();
  }
}

const inputs = readAll(path.join(FIXTURE, 'inputs.safetensors'));
const golden = readAll(path.join(FIXTURE, 'golden.safetensors'));
const input = (k: string) => inputs.get(k)!;

/** Logits of the fixture's two prompts. */
async function fixtureLogits(model: LlavaForConditionalGeneration): Promise<Float32Array> {
  const ids = input('input_ids');
  const t = (k: string) => tensor(input(k).data, input(k).shape, input(k).dtype);
  const logits = model.forward(t('input_ids'), {
    pixelValues: t('pixel_values'),
    attentionMask: t('attention_mask'),
    positions: t('position_ids'),
    hostIds: ids.data as Int32Array,
  });
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

/** Largest |a - b| over the positions the attention mask marks real (pads see no key in guinav). */
function maxDiffAtRealPositions(a: Float32Array, b: Float32Array): number {
  const mask = input('attention_mask').data as Int32Array;
  const vocab = a.length / mask.length;
  let max = 0;
  mask.forEach((m, row) => {
    if (!m) return;
    for (let v = 0; v < vocab; v++) max = Math.max(max, Math.abs(a[row * vocab + v]! - b[row * vocab + v]!));
  });
  return max;
}

describeEachBackend('LLaVA golden logits (independent PyTorch, tools/fixtures/llava_golden.py)', () => {
  it('match within 1e-4 (SigLIP, projector, image-token merge, padded Llama)', async () => {
    const { model } = await loadLlava(FIXTURE);
    const logits = await fixtureLogits(model);
    const expected = golden.get('logits')!.data as Float32Array;
    expect(logits.length).toBe(expected.length);
    expect(maxDiffAtRealPositions(logits, expected)).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });

  it('load the same weights under the transformers >= 4.52 names and without vision_model.', async () => {
    const weights = readAll(path.join(FIXTURE, 'model.safetensors'));
    const renamed = new Map(
      [...weights].map(([k, v]) => [
        k
          .replace(/^language_model\.model\./, 'model.language_model.')
          .replace(/^language_model\.lm_head\./, 'lm_head.')
          .replace(/^multi_modal_projector\./, 'model.multi_modal_projector.')
          .replace(
            /^vision_tower\.vision_model\./,
            k.includes('encoder.layers.0') ? 'vision_tower.' : 'model.vision_tower.vision_model.',
          ),
        v,
      ]),
    );
    expect([...renamed.keys()].some((k) => k.startsWith('vision_tower.encoder.layers.0'))).toBe(true);
    const { model: reference } = await loadLlava(FIXTURE);
    const model = createCausalLM(reference.config.raw as unknown as object, { initialize: false });
    const source: TensorSource = memoryTensorSource('renamed', renamed);
    await loadStateDict(model, source, { keyMap: (k) => llavaCheckpointKey(k, model.config) });
    const a = await fixtureLogits(model as LlavaForConditionalGeneration);
    const b = await fixtureLogits(reference);
    expect(a).toEqual(b);
    for (const m of [model, reference]) m.dispose();
  });
});

describe('LLaVA checkpoint keys', () => {
  const config = { tieWordEmbeddings: false } as Parameters<typeof llavaCheckpointKey>[1];
  it('map every saved layout onto the module keys and skip what LLaVA never reads', () => {
    const cases: [string, string | null][] = [
      ['language_model.model.layers.0.mlp.up_proj.weight', 'language_model.model.layers.0.mlp.up_proj.weight'],
      ['model.language_model.norm.weight', 'language_model.model.norm.weight'],
      ['lm_head.weight', 'language_model.lm_head.weight'],
      ['language_model.lm_head.weight', 'language_model.lm_head.weight'],
      ['model.multi_modal_projector.linear_1.bias', 'multi_modal_projector.linear_1.bias'],
      ['model.vision_tower.vision_model.post_layernorm.weight', 'vision_tower.vision_model.post_layernorm.weight'],
      ['vision_tower.encoder.layers.1.mlp.fc1.weight', 'vision_tower.vision_model.encoder.layers.1.mlp.fc1.weight'],
      ['vision_tower.vision_model.head.probe', null],
      ['vision_tower.vision_model.head.attention.in_proj_weight', null],
      ['language_model.model.layers.0.self_attn.rotary_emb.inv_freq', null],
    ];
    for (const [key, want] of cases) expect(llavaCheckpointKey(key, config)).toBe(want);
    expect(llavaCheckpointKey('lm_head.weight', { tieWordEmbeddings: true } as typeof config)).toBeNull();
  });

  it('name the missing tensor when a checkpoint lacks one', async () => {
    const { model } = await loadLlava(FIXTURE);
    const weights = readAll(path.join(FIXTURE, 'model.safetensors'));
    weights.delete('multi_modal_projector.linear_2.weight');
    await expect(
      loadStateDict(model, memoryTensorSource('partial', weights), {
        keyMap: (k) => llavaCheckpointKey(k, model.config),
      }),
    ).rejects.toThrow(/partial: missing tensors multi_modal_projector\.linear_2\.weight/);
    model.dispose();
  });
});

describe('imageScatterIndex', () => {
  it('sends image-token positions to the feature rows in order and refuses a count mismatch', () => {
    // ids of 2 x 3 with image token 9; text rows are 0..5, features start at row 6.
    expect([...imageScatterIndex(new Int32Array([9, 1, 9, 2, 9, 3]), 9, 3)]).toEqual([6, 1, 7, 3, 8, 5]);
    expect(() => imageScatterIndex(new Int32Array([9, 1]), 9, 4)).toThrow(
      /Image features and image tokens do not match: tokens: 1, features 4/,
    );
  });
});

describe('collateVisionLM', () => {
  const px = (n: number, v: number) => ({ data: new Float32Array(n * 3 * 2 * 2).fill(v), shape: [n, 3, 2, 2] });
  const example = (ids: number[], images: number, v: number) => ({
    inputIds: Int32Array.from(ids),
    labels: Int32Array.from(ids.map((id, i) => (i < 3 ? -100 : id))),
    ...(images ? { pixelValues: px(images, v) } : {}),
  });
  const options = { padId: 0, imageTokenId: 9, tokensPerImage: 2 };

  it("pads like collateCausalLM and stacks the examples' images in order", () => {
    const b = collateVisionLM(
      [example([9, 9, 5, 6], 1, 1), example([7, 8], 0, 0), example([9, 9, 9, 9, 4], 2, 2)],
      options,
    );
    expect([b.batch, b.seq]).toEqual([3, 5]);
    expect([...b.inputIds.subarray(5, 10)]).toEqual([7, 8, 0, 0, 0]);
    expect(b.pixelValues!.shape).toEqual([3, 3, 2, 2]);
    expect([b.pixelValues!.data[0], b.pixelValues!.data[12], b.pixelValues!.data[24]]).toEqual([1, 2, 2]);
  });

  it('refuses image tokens that do not match the images (a maxLength cutting into them)', () => {
    expect(() => collateVisionLM([example([9, 9, 9, 9, 4], 2, 1)], { ...options, maxLength: 3 })).toThrow(
      /example 0 has 3 image tokens for 2 image\(s\) of 2 \(maxLength 3 cuts into the image tokens\?\)/,
    );
  });
});
