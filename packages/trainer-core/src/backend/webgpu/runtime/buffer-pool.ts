/**
 * GPU buffers pooled by size bucket. A bucket is the request rounded up to one of four steps per
 * power of two (1, 1.25, 1.5, 1.75 x 2^k, at least 256 bytes), so at most a fifth is wasted and a
 * training step that allocates the same sizes every time stops creating buffers after its first
 * step. Buffers never shrink back to the device; `trim()` destroys the idle ones.
 */

/** What a tensor's storage handle is on the WebGPU backend. */
export interface GpuBuffer {
  readonly id: number;
  readonly buffer: GPUBuffer;
  /** The buffer's size (the bucket). */
  readonly capacity: number;
  /** Bytes the caller asked for; bytes past this are padding no tensor owns. */
  requested: number;
  /** The recording batch that last bound it (see WebGpuBackend: frees wait for that batch's submit). */
  lastBatch: number;
  /** Whether a tensor owns it (else it is a kernel's scratch buffer). */
  tensor: boolean;
}

const MIN_BUCKET = 256;

export function bucketBytes(bytes: number): number {
  if (bytes <= MIN_BUCKET) return MIN_BUCKET;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  for (const step of [1, 1.25, 1.5, 1.75, 2]) {
    const size = pow * step;
    if (size >= bytes) return Math.ceil(size / 16) * 16;
  }
  return pow * 2;
}

export interface PoolStats {
  /** Bytes of buffers handed out and not yet back in the pool (by bucket size). */
  busyBytes: number;
  /** Bytes of idle buffers kept for reuse. */
  idleBytes: number;
  /** Buffers created on the device so far. */
  created: number;
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private nextId = 1;
  private live = 0;
  private idleTotal = 0;
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
  ) {}

  acquire(bytes: number): GpuBuffer {
    const capacity = bucketBytes(bytes);
    const list = this.idle.get(capacity);
    let buffer = list?.pop();
    if (buffer) {
      this.idleTotal -= capacity;
    } else {
      buffer = this.device.createBuffer({ size: capacity, usage: this.usage, label: `${this.label} ${capacity}` });
      this.created++;
    }
    this.live += capacity;
    return { id: this.nextId++, buffer, capacity, requested: bytes, lastBatch: -1, tensor: false };
  }

  release(b: GpuBuffer): void {
    this.live -= b.capacity;
    this.idleTotal += b.capacity;
    const list = this.idle.get(b.capacity);
    if (list) list.push(b.buffer);
    else this.idle.set(b.capacity, [b.buffer]);
  }

  /** Destroys every idle buffer (live ones stay). */
  trim(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    this.idle.clear();
    this.idleTotal = 0;
  }

  stats(): PoolStats {
    return { busyBytes: this.live, idleBytes: this.idleTotal, created: this.created };
  }
}
