/** dst = src (same dtype and size, both contiguous): a buffer copy when whole words line up, else the mover. */
import { Assign } from '../../../kernels/memory.js';
import { bytesPerElement } from '../../../tensor/dtype.js';
import { readers } from '../programs/codecs.js';
import { runMove } from '../programs/mover.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { wordsIn } from '../shader/spec.js';
import { type BufferView, tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Assign, ({ backend, inputs: [dst, src] }) => {
  const bpe = bytesPerElement(dst!.dtype);
  const [d, s] = [tensorView(dst!), tensorView(src!)];
  const bytes = dst!.size * bpe;
  const aligned = (v: BufferView) => (v.offset * bpe) % 4 === 0;
  if (d.buffer !== s.buffer && aligned(d) && aligned(s) && bytes % 4 === 0) {
    backend.copyBytes(s.buffer, s.offset * bpe, d.buffer, d.offset * bpe, bytes);
    return;
  }
  runMove(
    backend,
    {
      key: `Assign|${dst!.dtype}`,
      dtype: dst!.dtype,
      target: 'contiguous',
      sources: [wordsIn('x', src!.dtype)],
      uniforms: [],
      source: `${readers('x', src!.dtype)}
fn src_bits(k: u32) -> u32 { return x_bits(k); }`,
    },
    { sources: [s], target: d, extent: dst!.size, uniforms: { count: dst!.size } },
  );
});
