/**
 * WGSL functions every kernel may call (unused ones are dropped by the compiler).
 *
 * Special values are built and tested through their bits: shader compilers (Mesa's among them)
 * fold `x != x` and `inf * 0` under fast-math rules, so NaN checks compare bit patterns, and
 * infinities and NaN come from `bitcast` of a non-constant argument (a constant one that gives
 * inf or NaN is a shader-creation error in WGSL). Conversions between f32 and the 16-bit formats
 * are exact integer code, rounding to nearest even as the CPU backend (tensor/half.ts) does, so
 * results never depend on the driver's own conversion; a NaN decodes to the canonical quiet NaN,
 * as it does on the CPU.
 */
export const WGSL_LIB = /* wgsl */ `
fn f32_bits(b: u32) -> f32 { return bitcast<f32>(b); }
fn nan_f32() -> f32 { return f32_bits(0x7fc00000u); }
fn inf_f32() -> f32 { return f32_bits(0x7f800000u); }
fn neg_inf_f32() -> f32 { return f32_bits(0xff800000u); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_neg_inf(x: f32) -> bool { return bitcast<u32>(x) == 0xff800000u; }

fn tanh_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let t = exp(-2.0 * abs(x));
  let r = (1.0 - t) / (1.0 + t);
  return select(r, -r, x < 0.0);
}
fn sigmoid_f(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
const GELU_K: f32 = 0.7978845608028654;
const GELU_C: f32 = 0.044715;
fn gelu_f(x: f32) -> f32 { return 0.5 * x * (1.0 + tanh_f(GELU_K * (x + GELU_C * x * x * x))); }
fn gelu_grad_f(x: f32) -> f32 {
  let t = tanh_f(GELU_K * (x + GELU_C * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * x * x);
}
// log(1 + z) keeping the digits of a small z (Goldberg's correction of log(1 + z)).
fn log1p_f(z: f32) -> f32 {
  let w = 1.0 + z;
  if (w == 1.0) { return z; }
  return log(w) * z / (w - 1.0);
}
// log(sigmoid(x)) without overflow: x - log1p(e^x) below 0, -log1p(e^-x) above.
fn log_sigmoid_f(x: f32) -> f32 { return min(x, 0.0) - log1p_f(exp(-abs(x))); }
fn log_f(x: f32) -> f32 {
  if (x == 0.0) { return neg_inf_f32(); }
  if (x < 0.0) { return nan_f32(); }
  return log(x);
}
fn sqrt_f(x: f32) -> f32 {
  if (x < 0.0) { return nan_f32(); }
  return sqrt(x);
}
fn min_f(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return min(a, b);
}
fn max_f(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return max(a, b);
}

// sin and cos with Cody-Waite reduction by pi/2 (three-part constant, exact for |x| < 2^16 * pi/2)
// and minimax polynomials on [-pi/4, pi/4]: about 1 ulp, where GPU builtins may lose digits for
// the large angles of rotary embeddings at long positions.
fn sincos_f(x: f32) -> vec2<f32> {
  let j = floor(x * 0.6366197723675814 + 0.5);
  let r = ((x - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.549789954891882e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = u32(i32(j) & 3);
  switch (q) {
    case 0u: { return vec2<f32>(s, c); }
    case 1u: { return vec2<f32>(c, -s); }
    case 2u: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}

fn f16_to_f32(h: u32) -> f32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) { return bitcast<f32>(bitcast<u32>(f32(m) * 5.9604644775390625e-8) | sign); }
  if (e == 31u) { return f32_bits(select(0x7fc00000u, sign | 0x7f800000u, m == 0u)); }
  return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}
fn f32_to_f16(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  let sign = (bits >> 16u) & 0x8000u;
  let ex = (bits >> 23u) & 0xffu;
  let mant = bits & 0x7fffffu;
  if (ex == 0xffu) { return select(sign | 0x7e00u | (mant >> 13u), sign | 0x7c00u, mant == 0u); }
  let e = i32(ex) - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e >= 1) {
    let half = (u32(e) << 10u) | (mant >> 13u);
    let rem = mant & 0x1fffu;
    let up = rem > 0x1000u || (rem == 0x1000u && (half & 1u) == 1u);
    return sign | (half + select(0u, 1u, up));
  }
  let shift = u32(14 - e);
  if (shift > 24u) { return sign; }
  let m = mant | 0x800000u;
  let h = m >> shift;
  let rem = m & ((1u << shift) - 1u);
  let halfway = 1u << (shift - 1u);
  let up = rem > halfway || (rem == halfway && (h & 1u) == 1u);
  return sign | (h + select(0u, 1u, up));
}
fn bf16_to_f32(h: u32) -> f32 { return bitcast<f32>(h << 16u); }
fn f32_to_bf16(x: f32) -> u32 {
  let bits = bitcast<u32>(x);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu) != 0u) { return ((bits >> 16u) | 0x40u) & 0xffffu; }
  return ((bits + 0x7fffu + ((bits >> 16u) & 1u)) >> 16u) & 0xffffu;
}
// JavaScript's ToInt32(Math.trunc(x)): NaN and infinities give 0, large values wrap modulo 2^32.
fn f32_to_i32_wrap(x: f32) -> i32 {
  if (abs(x) < 2147483648.0) { return i32(trunc(x)); }
  let bits = bitcast<u32>(x);
  let ex = (bits >> 23u) & 0xffu;
  if (ex == 0xffu) { return 0; }
  let shift = ex - 150u;
  if (shift >= 32u) { return 0; }
  let r = ((bits & 0x7fffffu) | 0x800000u) << shift;
  return bitcast<i32>(select(r, 0u - r, (bits & 0x80000000u) != 0u));
}
// Bits of element i of a packed array of 1-, 2- or 4-byte elements, given the word holding it.
fn elem_bits(word: u32, i: u32, bytes: u32) -> u32 {
  if (bytes == 4u) { return word; }
  let per = 4u / bytes;
  let shift = (i % per) * bytes * 8u;
  let mask = select(0xffu, 0xffffu, bytes == 2u);
  return (word >> shift) & mask;
}
`;
