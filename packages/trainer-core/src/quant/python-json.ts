/**
 * JSON text exactly as Python's `json.dumps(obj)` writes it with the default settings: separators
 * ", " and ": ", ASCII only (`\uXXXX` escapes), floats as `repr(float)` (shortest round-trip digits,
 * exponent form below 1e-4 and from 1e16 on, `.0` on integral values), NaN and infinities as
 * `NaN` / `Infinity`. bitsandbytes packs its quant_state this way, so writing the same bytes needs
 * the same rules. Integers are JS numbers marked with `pyInt`; every other number is a float.
 */

/** A Python int (written without a decimal point). */
export class PyInt {
  constructor(readonly value: number) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`PyInt: ${value} is not a safe integer`);
  }
}

export const pyInt = (value: number) => new PyInt(value);

export type PyJson = string | number | boolean | null | PyInt | readonly PyJson[] | { readonly [key: string]: PyJson };

/** repr() of a Python float. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() with no argument gives the shortest digits that round-trip, as repr does.
  const [mant, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const decpt = Number(exp) + 1;
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) {
      // Outside ASCII: UTF-16 code units as \uXXXX (surrogate pairs for astral characters).
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export function pyJsonDumps(value: PyJson): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return pyFloatRepr(value);
  if (value instanceof PyInt) return String(value.value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, PyJson>);
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}
