import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { TrainingRng } from '../random/training-rng.js';
import { Nf4Linear, quantizeWeightNf4 } from './nf4-linear.js';
import { encodeQuantState } from './quant-state.js';

/** Heap bytes of one allocation (the CPU heap rounds every block up to 64 bytes). */
const block = (bytes: number) => Math.ceil(bytes / 64) * 64;

describe('memory of NF4 linear layers (CPU heap)', () => {
  const [out, inF] = [1024, 1024];
  const params = out * inF;
  const w = new Float32Array(params);
  new TrainingRng(3).fillNormal(w, 0, 0.02);

  for (const doubleQuant of [false, true]) {
    it(`takes at most 0.6 bytes per parameter (double quantization ${doubleQuant})`, () => {
      const backend = new CpuBackend();
      const data = quantizeWeightNf4(w, [out, inF], { doubleQuant });
      const layer = new Nf4Linear(data, { backend });
      const bytes = backend.heap.stats().liveBytes;
      // Packed codes (n / 2), absmax (f32, or u8 plus an f32 per 256 blocks and the 256-entry map),
      // the 16-entry code and the quant-state JSON: 0.5627 and 0.5171 bytes per parameter here.
      const blocks = params / 64;
      const want =
        block(params / 2) +
        block(16 * 4) +
        block(encodeQuantState(data.state).length) +
        (doubleQuant ? block(blocks) + block((blocks / 256) * 4) + block(256 * 4) : block(blocks * 4));
      expect(bytes).toBe(want);
      expect(bytes / params).toBeLessThanOrEqual(0.6);
      expect(bytes / params).toBeCloseTo(doubleQuant ? 0.5171 : 0.5627, 4);
      layer.dispose();
      expect(backend.heap.stats().liveBytes).toBe(0);
    });
  }
});
