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

/** A JS number to be written as a Python float (plain numbers are floats already; this documents intent). */
export const pyFloat = (value: number) => value;

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

export interface PyDumpOptions {
  /** json.dumps(indent=n): one item per line; default none (one line, ", " between items). */
  indent?: number;
  /** json.dumps(sort_keys=True). */
  sortKeys?: boolean;
}

export function pyJsonDumps(value: PyJson, options: PyDumpOptions = {}, depth = 0): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return pyFloatRepr(value);
  if (value instanceof PyInt) return String(value.value);
  const items: string[] = Array.isArray(value)
    ? value.map((v) => pyJsonDumps(v, options, depth + 1))
    : Object.entries(value as Record<string, PyJson>)
        .sort(options.sortKeys ? ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0) : () => 0)
        .map(([k, v]) => `${pyString(k)}: ${pyJsonDumps(v, options, depth + 1)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (items.length === 0) return `${open}${close}`;
  if (options.indent === undefined) return `${open}${items.join(', ')}${close}`;
  const pad = (d: number) => ' '.repeat(options.indent! * d);
  return `${open}\n${items.map((i) => pad(depth + 1) + i).join(',\n')}\n${pad(depth)}${close}`;
}

const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

/**
 * Parses JSON text keeping Python's view of its numbers: a literal without `.`, `e` or `E` is an
 * int (PyInt), any other a float, so writing it back with pyJsonDumps keeps `6` and `6.0` apart.
 */
export function parsePyJson(text: string): PyJson {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at offset ${at}`);
  };
  const ws = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const value = (): PyJson => {
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      const obj: Record<string, PyJson> = {};
      ws();
      if (text[at] === '}') {
        at++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[at] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[at++] !== ':') fail('expected ":"');
        obj[key] = value();
        ws();
        const sep = text[at++];
        if (sep === '}') return obj;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      const arr: PyJson[] = [];
      ws();
      if (text[at] === ']') {
        at++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        const sep = text[at++];
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    at += m[0].length;
    const n = Number(m[0]);
    return m[1] === undefined && m[2] === undefined && Number.isSafeInteger(n) ? new PyInt(n) : n;
  };
  const str = (): string => {
    STRING.lastIndex = at;
    const m = STRING.exec(text);
    if (!m) return fail('bad string');
    at += m[0].length;
    try {
      return JSON.parse(m[0]) as string;
    } catch {
      return fail('bad string');
    }
  };
  const v = value();
  ws();
  if (at !== text.length) fail('trailing text');
  return v;
}
