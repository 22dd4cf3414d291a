import { describe, expect, it } from 'vitest';
import { GELAB_CANVAS } from '../world/schema.js';
import { fitOutputSize, parseOutputSize } from './output-size.js';

describe('output size', () => {
  it('parses WxH and names the flag when it cannot', () => {
    expect(parseOutputSize('448x448')).toEqual({ width: 448, height: 448 });
    expect(parseOutputSize(' 300X650 ')).toEqual({ width: 300, height: 650 });
    for (const bad of ['448', '0x10', '10x0', '9000x10', 'axb', '-5x5']) {
      expect(() => parseOutputSize(bad)).toThrow(
        `--size: expected WIDTHxHEIGHT with each from 1 to 8192 (e.g. 448x448), got "${bad}"`,
      );
    }
  });

  it('squashes by default and fits without padding with keep-aspect', () => {
    expect(fitOutputSize({ width: 448, height: 448 }, GELAB_CANVAS, false)).toEqual({ width: 448, height: 448 });
    // 448 / 2556 * 1179 = 206.6 -> 207
    expect(fitOutputSize({ width: 448, height: 448 }, GELAB_CANVAS, true)).toEqual({ width: 207, height: 448 });
    // width-bound box: 100 / 1179 * 2556 = 216.8 -> 217
    expect(fitOutputSize({ width: 100, height: 1000 }, GELAB_CANVAS, true)).toEqual({ width: 100, height: 217 });
  });
});
