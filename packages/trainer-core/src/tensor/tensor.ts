/**
 * Tensors: a view (shape, strides, element offset) onto refcounted storage on one backend.
 * Reshapes, transposes and slices are views that share storage; the storage is freed when its
 * last view is disposed. Autograd state (the recording node, the leaf's gradient) lives here too.
 */
import { runBackward } from '../autograd/backward.js';
import type { GradNode } from '../autograd/node.js';
import type { Backend, TensorInfo } from '../backend/backend.js';
import { Copy } from '../kernels/memory.js';
import { type DType, isFloatDType, type TypedArray } from './dtype.js';
import { runKernel } from './engine.js';
import { type Scope, trackTensor, untrackTensor } from './scope.js';
import { contiguousStrides, formatShape, isContiguous, shapeSize } from './shape.js';

/** One backend allocation shared by every view of it. */
export class Storage {
  refs = 1;
  /** Bumped by every in-place write, so a tensor saved for backward can tell it was modified. */
  version = 0;

  constructor(
    readonly backend: Backend,
    readonly handle: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {}

  retain(): void {
    if (this.refs <= 0) throw new Error('Storage.retain: the storage was already freed');
    this.refs++;
  }

  release(): void {
    if (this.refs <= 0) throw new Error('Storage.release: the storage was already freed');
    this.refs--;
    if (this.refs === 0) this.backend.free(this.handle);
  }
}

let nextId = 1;

/** @internal The id the next tensor will get (ids only grow). */
export function peekNextTensorId(): number {
  return nextId;
}

export class Tensor {
  readonly id: number;
  readonly size: number;
  /** @internal The recorded op that produced this tensor (null for leaves and untracked results). */
  node: GradNode | null = null;
  /** @internal Which output of `node` this tensor is. */
  outputIndex = 0;
  /** @internal The open scope that will dispose this tensor, if any. */
  scope: Scope | null = null;
  /** Accumulated gradient of a leaf that requires grad; null until the first backward (or after zeroing). */
  grad: Tensor | null = null;
  /** Optional label used in error messages (modules set the parameter's checkpoint key). */
  name: string | undefined;
  private leafRequiresGrad = false;
  private disposed = false;

  /** Takes over one reference to `storage`. Use the op functions rather than this constructor. */
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[] = contiguousStrides(shape),
    readonly offset = 0,
  ) {
    this.id = nextId++;
    this.size = shapeSize(shape);
    trackTensor(this);
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  /** The backend's name: 'cpu' or 'webgpu'. */
  get device(): string {
    return this.storage.backend.name;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** True for leaves marked trainable and for every result of a recorded op. */
  get requiresGrad(): boolean {
    return this.node !== null || this.leafRequiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (this.node !== null) {
      throw new Error(
        `requiresGrad can only be set on leaf tensors; ${this.describe()} is the result of a recorded op (use detach())`,
      );
    }
    if (value && !isFloatDType(this.dtype)) {
      throw new TypeError(`requiresGrad: only f32/f64 tensors can require grad; ${this.describe()} is ${this.dtype}`);
    }
    this.leafRequiresGrad = value;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  /** What kernels see of this tensor. */
  get info(): TensorInfo {
    this.assertAlive('read');
    return {
      handle: this.storage.handle,
      dtype: this.storage.dtype,
      shape: this.shape,
      strides: this.strides,
      offset: this.offset,
      size: this.size,
    };
  }

  assertAlive(what: string): void {
    if (this.disposed) throw new Error(`${what}: ${this.describe()} was disposed`);
  }

  describe(): string {
    return `${this.name ? `tensor ${this.name}` : `tensor#${this.id}`} ${formatShape(this.shape)} ${this.dtype}`;
  }

  /** A new tensor on the same data with no autograd history (does not require grad). */
  detach(): Tensor {
    this.assertAlive('detach');
    this.storage.retain();
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** Runs reverse-mode autograd from this tensor (a scalar unless `grad` is given). */
  backward(grad?: Tensor): void {
    runBackward(this, grad);
  }

  /** Contiguous copy of the elements, row-major; waits for pending device work. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    if (this.isContiguous) return this.backend.download(this.storage.handle, this.dtype, this.offset, this.size);
    const [copy] = runKernel(Copy, [this], {});
    try {
      return await copy!.data();
    } finally {
      copy!.dispose();
    }
  }

  /** Synchronous `data()`, for backends whose memory the host can read directly (cpu). */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    const read = this.backend.downloadSync;
    if (!read) throw new Error(`dataSync: backend ${this.device} cannot be read synchronously; use await data()`);
    if (this.isContiguous) return read.call(this.backend, this.storage.handle, this.dtype, this.offset, this.size);
    const [copy] = runKernel(Copy, [this], {});
    try {
      return copy!.dataSync();
    } finally {
      copy!.dispose();
    }
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new RangeError(`item: ${this.describe()} has ${this.size} elements, expected 1`);
    return (await this.data())[0]!;
  }

  itemSync(): number {
    if (this.size !== 1) throw new RangeError(`itemSync: ${this.describe()} has ${this.size} elements, expected 1`);
    return this.dataSync()[0]!;
  }

  /** Plain array of the values (numbers), row-major; waits for pending device work. */
  async array(): Promise<number[]> {
    return Array.from(await this.data());
  }

  /** Synchronous `array()` (cpu). For tests and small tensors. */
  arraySync(): number[] {
    return Array.from(this.dataSync());
  }

  /** Frees this view's reference to the storage, its autograd history and its gradient. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    untrackTensor(this);
    this.storage.release();
    const node = this.node;
    this.node = null;
    node?.release();
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.device}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** @internal A new handle on the same storage and geometry, untracked by scopes, no history. */
export function aliasTensor(t: Tensor): Tensor {
  t.storage.retain();
  const alias = new Tensor(t.storage, t.shape, t.strides, t.offset);
  untrackTensor(alias);
  return alias;
}

/** @internal A view with new geometry on `t`'s storage (tracked like any new tensor). */
export function viewTensor(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  t.assertAlive('view');
  t.storage.retain();
  return new Tensor(t.storage, shape, strides, offset);
}
