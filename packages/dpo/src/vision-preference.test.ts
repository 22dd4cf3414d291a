import { describe, expect, it } from 'vitest';
import { collateVisionPreference, type VisionPreferenceExample } from './vision-preference.js';

const example = (image: string, a: number): VisionPreferenceExample => ({
  prompt: Int32Array.of(9, 9, a),
  chosen: Int32Array.of(a + 1),
  rejected: Int32Array.of(a + 2, 3),
  images: [image],
});

describe('collateVisionPreference', () => {
  it("reads each pair's screenshot once and points its chosen and rejected rows at it", async () => {
    const asked: string[][] = [];
    // One 1x1x1 "image" per file, valued by its position in the request.
    const loadPixels = async (lists: readonly (readonly string[])[]) => {
      const files = lists.flat();
      asked.push(files);
      return { data: Float32Array.from(files, (_, i) => i), shape: [files.length, 1, 1, 1] };
    };
    const batch = await collateVisionPreference([example('a.png', 1), example('b.png', 4)], { padId: 0 }, loadPixels);
    expect(asked).toEqual([['a.png', 'b.png']]);
    expect(batch.pixelValues?.shape).toEqual([2, 1, 1, 1]);
    // Rows: chosen a, chosen b, rejected a, rejected b.
    expect([...batch.imageRows!]).toEqual([0, 1, 0, 1]);
    expect(batch.batch).toBe(4);
    expect([...batch.inputIds.subarray(2 * batch.seq, 2 * batch.seq + 5)]).toEqual([9, 9, 1, 3, 3]);
  });

  it('leaves text-only pairs without pixels, and refuses max_prompt_length', async () => {
    const none = async () => undefined;
    const batch = await collateVisionPreference([{ ...example('', 1), images: [] }], { padId: 0 }, none);
    expect(batch.pixelValues).toBeUndefined();
    expect(batch.imageRows).toBeUndefined();
    await expect(
      collateVisionPreference([example('a.png', 1)], { padId: 0, maxPromptLength: 2 }, none),
    ).rejects.toThrow(/do not cut prompts/);
  });
});
