/** Argument checks shared by the kernel wrappers, with messages that name the kernel and field. */
import type { CpuHeap } from '../../heap.js';

export function checkCount(kernel: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`${kernel}: ${field} must be a non-negative integer, got ${value}`);
  }
}

export function checkFinite(kernel: string, field: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${kernel}: ${field} must be a finite number, got ${value}`);
}

/** A pointer must be a 4-byte-aligned heap offset whose `elements` f32/i32 values lie inside the memory. */
export function checkSpan(kernel: string, field: string, heap: CpuHeap, ptr: number, elements: number): void {
  if (elements === 0) return;
  if (!Number.isInteger(ptr) || ptr <= 0 || ptr % 4 !== 0) {
    throw new RangeError(`${kernel}: ${field} must be a non-zero 4-byte-aligned heap offset, got ${ptr}`);
  }
  const end = ptr + elements * 4;
  if (end > heap.buffer.byteLength) {
    throw new RangeError(
      `${kernel}: ${field} spans bytes ${ptr}..${end}, beyond the heap's ${heap.buffer.byteLength} bytes`,
    );
  }
}

/** A byte span (u8 data, no alignment) must lie inside the memory. */
export function checkByteSpan(kernel: string, field: string, heap: CpuHeap, ptr: number, bytes: number): void {
  if (bytes === 0) return;
  if (!Number.isInteger(ptr) || ptr <= 0)
    throw new RangeError(`${kernel}: ${field} must be a non-zero heap offset, got ${ptr}`);
  if (ptr + bytes > heap.buffer.byteLength) {
    throw new RangeError(
      `${kernel}: ${field} spans bytes ${ptr}..${ptr + bytes}, beyond the heap's ${heap.buffer.byteLength} bytes`,
    );
  }
}
