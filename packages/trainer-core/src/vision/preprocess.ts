/**
 * Screenshots to pixel values, as the model's image processor says: decode with sharp, drop
 * alpha (PIL's convert("RGB")), resize to height x width ignoring the aspect ratio with the
 * processor's filter, rescale, normalise, channels first. Resized pixels are cached per file
 * (keyed by path, modification time and size), so an epoch over a dataset decodes each
 * screenshot once.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageProcessorConfig } from './image-processor-config.js';

/** sharp's kernel for each PIL resample code. */
const KERNELS = ['nearest', 'lanczos3', 'linear', 'cubic'] as const;

export interface ImagePreprocessorOptions {
  /** Cache budget in bytes of resized RGB pixels (default 256 MiB; 0 disables the cache). */
  cacheBytes?: number;
}

/** One image, channels first: [3, height, width]. */
export interface PixelValues {
  data: Float32Array;
  shape: [3, number, number];
}

export class ImagePreprocessor {
  private readonly cache = new Map<string, Uint8Array>();
  private cachedBytes = 0;
  private readonly cacheBytes: number;
  /** Decodes done (cache misses), for tests and progress reports. */
  decodes = 0;

  constructor(
    readonly config: ImageProcessorConfig,
    options: ImagePreprocessorOptions = {},
  ) {
    this.cacheBytes = options.cacheBytes ?? 256 * 2 ** 20;
  }

  /** RGB bytes [height, width, 3] of an image file after resizing. */
  async resizedRgb(file: string): Promise<Uint8Array> {
    const abs = path.resolve(file);
    let stat: { mtimeMs: number; size: number };
    try {
      stat = await fs.stat(abs);
    } catch (err) {
      throw new Error(`${file}: cannot read the image (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const key = `${abs}\u0000${stat.mtimeMs}\u0000${stat.size}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const rgb = await this.decode(abs, file);
    this.remember(key, rgb);
    return rgb;
  }

  private async decode(abs: string, shown: string): Promise<Uint8Array> {
    const { height, width, resize, resample } = this.config;
    this.decodes++;
    try {
      let image = sharp(abs, { failOn: 'error' }).removeAlpha().toColourspace('srgb');
      if (resize) image = image.resize(width, height, { fit: 'fill', kernel: KERNELS[resample] });
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== 3 || info.width !== width || info.height !== height) {
        throw new Error(
          `decoded to ${info.width}x${info.height}x${info.channels}, the processor expects ${width}x${height}x3` +
            (resize ? '' : ' (do_resize is false, so the file must already have that size)'),
        );
      }
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      throw new Error(`${shown}: not a readable image (${(err as Error).message})`);
    }
  }

  private remember(key: string, rgb: Uint8Array): void {
    if (rgb.byteLength > this.cacheBytes) return;
    this.cache.set(key, rgb);
    this.cachedBytes += rgb.byteLength;
    for (const [k, v] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.cache.delete(k);
      this.cachedBytes -= v.byteLength;
    }
  }

  /** Pixel values of one image file. */
  async load(file: string): Promise<PixelValues> {
    return this.normalize(await this.resizedRgb(file));
  }

  /** Pixel values of several images, stacked [n, 3, H, W]. */
  async loadBatch(files: readonly string[]): Promise<{ data: Float32Array; shape: [number, 3, number, number] }> {
    const { height, width } = this.config;
    const plane = 3 * height * width;
    const data = new Float32Array(files.length * plane);
    const images = await Promise.all(files.map((f) => this.load(f)));
    images.forEach((img, i) => {
      data.set(img.data, i * plane);
    });
    return { data, shape: [files.length, 3, height, width] };
  }

  /** RGB bytes [H, W, 3] -> (x * rescale - mean) / std, [3, H, W]. */
  normalize(rgb: Uint8Array): PixelValues {
    const { height, width, rescaleFactor, mean, std } = this.config;
    const n = height * width;
    const out = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) {
      // f32 arithmetic in transformers' order: rescale, then (x - mean) / std.
      const m = mean?.[c] ?? 0;
      const s = std?.[c] ?? 1;
      const plane = out.subarray(c * n, (c + 1) * n);
      for (let i = 0; i < n; i++) {
        let x = rgb[i * 3 + c]!;
        if (rescaleFactor !== undefined) x = Math.fround(x * rescaleFactor);
        plane[i] = mean ? Math.fround(Math.fround(x - m) / s) : x;
      }
    }
    return { data: out, shape: [3, height, width] };
  }
}
