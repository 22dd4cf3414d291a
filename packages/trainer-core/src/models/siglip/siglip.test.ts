import { describe, expect, it } from 'vitest';
import { tensor } from '../../ops/create.js';
import { assign } from '../../ops/transfer.js';
import { TrainingRng } from '../../random/training-rng.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { values } from '../../test-utils/read.js';
import { parseSiglipVisionConfig } from './config.js';
import { SiglipVisionModel } from './modeling.js';

const config = parseSiglipVisionConfig({
  hidden_size: 8,
  intermediate_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  image_size: 6,
  patch_size: 3,
});

describe('SigLIP config', () => {
  it('derives patches and head size and refuses what it cannot compute', () => {
    expect(config).toMatchObject({ numPatches: 4, headDim: 4, numChannels: 3, layerNormEps: 1e-6 });
    expect(() => parseSiglipVisionConfig({ image_size: 10, patch_size: 3 }, 'c.json')).toThrow(
      /c\.json: field "patch_size": 3 does not divide image_size 10/,
    );
    expect(() => parseSiglipVisionConfig({ hidden_act: 'gelu' }, 'c.json')).toThrow(/field "hidden_act": "gelu"/);
  });

  it('names parameters as SiglipVisionModel checkpoint keys', () => {
    const m = new SiglipVisionModel(config, new TrainingRng(1));
    const names = m.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual([
      'vision_model.embeddings.patch_embedding.weight',
      'vision_model.embeddings.patch_embedding.bias',
      'vision_model.embeddings.position_embedding.weight',
    ]);
    expect(names).toContain('vision_model.encoder.layers.1.self_attn.out_proj.bias');
    expect(names).toContain('vision_model.encoder.layers.0.mlp.fc2.weight');
    expect(names.slice(-2)).toEqual(['vision_model.post_layernorm.weight', 'vision_model.post_layernorm.bias']);
    expect(m.getParameter('vision_model.embeddings.patch_embedding.weight')!.shape).toEqual([8, 3, 3, 3]);
    m.dispose();
  });
});

describeEachBackend('SigLIP patch embedding', () => {
  it('equals a valid convolution with stride = kernel, computed term by term', async () => {
    const m = new SiglipVisionModel(config, new TrainingRng(2));
    const rng = new TrainingRng(3);
    const pixels = new Float32Array(2 * 3 * 6 * 6).map(() => rng.uniformRange(-1, 1));
    const w = await m.getParameter('vision_model.embeddings.patch_embedding.weight')!.data();
    const bias = [0.5, -1, 2, 0, 0.25, 1, -0.5, 3];
    assign(m.getParameter('vision_model.embeddings.patch_embedding.bias')!, Float32Array.from(bias));
    const got = await values(() =>
      m.vision_model.embeddings.patch_embedding.forward(tensor(pixels, [2, 3, 6, 6], 'f32')),
    );
    // out[b, gy * 2 + gx, o] = bias[o] + sum_{c, ky, kx} w[o, c, ky, kx] * x[b, c, 3 gy + ky, 3 gx + kx]
    for (let b = 0; b < 2; b++)
      for (let gy = 0; gy < 2; gy++)
        for (let gx = 0; gx < 2; gx++)
          for (let o = 0; o < 8; o++) {
            let s = bias[o]!;
            for (let c = 0; c < 3; c++)
              for (let ky = 0; ky < 3; ky++)
                for (let kx = 0; kx < 3; kx++) {
                  s += w[((o * 3 + c) * 3 + ky) * 3 + kx]! * pixels[((b * 3 + c) * 6 + 3 * gy + ky) * 6 + 3 * gx + kx]!;
                }
            expect(got[(b * 4 + gy * 2 + gx) * 8 + o]).toBeCloseTo(s, 5);
          }
    m.dispose();
  });

  it('hidden state 0 is the embeddings and -1 the last layer before post_layernorm', async () => {
    const m = new SiglipVisionModel(config, new TrainingRng(4));
    const tower = m.vision_model;
    const px = () => tensor(new Float32Array(3 * 36).fill(0.3), [1, 3, 6, 6], 'f32');
    const [last, two, normed] = await Promise.all([
      values(() => tower.hiddenState(px(), -1)),
      values(() => tower.hiddenState(px(), 2)),
      values(() => tower.forward(px())),
    ]);
    const emb = await values(() => tower.hiddenState(px(), 0));
    const embDirect = await values(() => tower.embeddings.forward(px()));
    expect(last).toEqual(two);
    expect(emb).toEqual(embDirect);
    expect(normed).not.toEqual(last);
    expect(() => tower.hiddenState(px(), 3)).toThrow(/hidden state 3 does not exist \(the tower has 2 layers\)/);
    m.dispose();
  });
});
