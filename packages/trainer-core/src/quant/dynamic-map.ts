/**
 * bitsandbytes' signed dynamic 8-bit map (functional.create_dynamic_map(signed=True)), the code
 * double quantization stores as `nested_quant_map`. For exponent i = 0..6 it takes the midpoints
 * of torch.linspace(0.1, 1, 2^i + 1) (float32), scales them by 10^(i-6) and adds both signs; then
 * 0 and 1.0, sorted: 256 values.
 *
 * torch computes the linspace on the CPU, in f32, as `start + step * i` for the first half and
 * `end - step * (steps - i - 1)` for the rest (ATen's linspace kernel since torch 2.0). Its AVX2 and
 * AVX-512 builds are compiled with FMA and GCC contracts those expressions into one fused
 * multiply-add (a single rounding); a CPU without AVX2 runs the plain build (two roundings) and
 * gets 42 of the 256 entries one ulp apart. `fusedLinspace` picks the variant (default: fused,
 * what any machine with a CUDA GPU runs).
 */
const f = Math.fround;

function linspace(start: number, end: number, steps: number, fused: boolean): number[] {
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  // step * i is exact in f64 (24-bit mantissa times a small integer), so f(s + step * i) is the fused result.
  const term = (i: number) => (fused ? step * i : f(step * i));
  return Array.from({ length: steps }, (_, i) => (i < half ? f(s + term(i)) : f(e - term(steps - i - 1))));
}

export interface DynamicMapOptions {
  /** FMA-contracted linspace (torch's AVX2/AVX-512 kernels; default true). */
  fusedLinspace?: boolean;
}

export function createDynamicMap(options: DynamicMapOptions = {}): Float32Array {
  const fused = options.fusedLinspace ?? true;
  const maxExponentBits = 7;
  const data: number[] = [];
  for (let i = 0; i < maxExponentBits; i++) {
    const b = linspace(0.1, 1, 2 ** i + 1, fused);
    const means = b.slice(0, -1).map((v, j) => f(f(v + b[j + 1]!) / 2));
    // torch multiplies by the Python scalar cast to the tensor's f32.
    const scale = f(10 ** (-(maxExponentBits - 1) + i));
    for (const m of means) data.push(f(scale * m));
    for (const m of means) data.push(f(-scale * m));
  }
  data.push(0, 1);
  return Float32Array.from(data.sort((a, b) => a - b));
}
