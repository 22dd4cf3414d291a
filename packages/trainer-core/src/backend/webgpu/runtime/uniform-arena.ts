/**
 * Per-dispatch uniforms of one recording batch, written into one host-side block and copied to a
 * single GPU uniform buffer just before the batch is submitted. Each dispatch binds its slice
 * through a dynamic offset, so bind groups stay cacheable and a changing learning rate or step
 * never creates anything. `queue.writeBuffer` is ordered with submissions, so the next batch can
 * reuse the same buffer while the previous one may still be running.
 */
import type { UniformField, UniformLayout } from '../shader/assemble.js';

export type UniformValues = Readonly<Record<string, number | readonly number[]>>;

export class UniformArena {
  readonly buffer: GPUBuffer;
  private readonly host: ArrayBuffer;
  private readonly u32: Uint32Array;
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private used = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly bytes: number,
    private readonly alignment: number,
  ) {
    this.buffer = device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: 'uniform arena',
    });
    this.host = new ArrayBuffer(bytes);
    this.u32 = new Uint32Array(this.host);
    this.i32 = new Int32Array(this.host);
    this.f32 = new Float32Array(this.host);
  }

  /** Whether a block of `bytes` still fits in this batch. */
  fits(bytes: number): boolean {
    return Math.ceil(this.used / this.alignment) * this.alignment + bytes <= this.bytes;
  }

  /** Writes one dispatch's uniforms and returns its byte offset. Unset fields are 0. */
  write(layout: UniformLayout, values: UniformValues, label: string): number {
    const offset = Math.ceil(this.used / this.alignment) * this.alignment;
    const base = offset / 4;
    this.u32.fill(0, base, base + layout.bytes / 4);
    for (const [name, value] of Object.entries(values)) {
      const field = layout.fields.get(name);
      if (!field) throw new Error(`${label}: no uniform named ${name}`);
      this.set(base + field.word, field, value, label, name);
    }
    this.used = offset + layout.bytes;
    return offset;
  }

  private set(word: number, field: UniformField, value: number | readonly number[], label: string, name: string): void {
    if (field.type === 'vec4u') {
      const list = value as readonly number[];
      if (list.length > field.count * 4) throw new Error(`${label}: uniform ${name} holds ${field.count * 4} values`);
      for (let i = 0; i < list.length; i++) this.u32[word + i] = list[i]!;
      return;
    }
    const v = value as number;
    if (field.type === 'f32') this.f32[word] = v;
    else if (field.type === 'i32') this.i32[word] = v;
    else {
      if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v))) {
        throw new RangeError(`${label}: uniform ${name} must be a u32, got ${v}`);
      }
      this.u32[word] = v;
    }
  }

  /** Copies this batch's uniforms to the GPU buffer (before the submit) and starts a new batch. */
  upload(): void {
    if (this.used > 0) this.device.queue.writeBuffer(this.buffer, 0, this.host, 0, Math.ceil(this.used / 4) * 4);
    this.used = 0;
  }
}
