import { describe, expect, it } from 'vitest';
import { pyFloatRepr, pyInt, pyJsonDumps } from './python-json.js';
import { decodeQuantState, encodeQuantState } from './quant-state.js';

describe("Python's json.dumps", () => {
  it('writes floats as repr() does', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e-5, '1.5e-05'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123, '123.0'],
      [-2.5e-7, '-2.5e-07'],
      [Math.fround(0.1), '0.10000000149011612'],
      [1.5e300, '1.5e+300'],
      [0, '0.0'],
      [-0, '-0.0'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NaN, 'NaN'],
    ];
    for (const [x, want] of cases) expect(pyFloatRepr(x)).toBe(want);
  });

  it('uses the default separators and ASCII escapes', () => {
    expect(pyJsonDumps({ a: pyInt(1), b: [pyInt(2), 3.5], c: 'é"\n', d: null, e: true })).toBe(
      '{"a": 1, "b": [2, 3.5], "c": "\\u00e9\\"\\n", "d": null, "e": true}',
    );
  });
});

describe('bitsandbytes quant state bytes', () => {
  it('writes the JSON of QuantState.as_dict(packed=True) and reads it back', () => {
    const nested = {
      blocksize: 64,
      dtype: 'bfloat16' as const,
      shape: [4, 64],
      nested: { blocksize: 256, offset: 0.0123 },
    };
    const text = new TextDecoder().decode(encodeQuantState(nested));
    expect(text).toBe(
      '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [4, 64], ' +
        '"nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": 0.0123}',
    );
    expect(decodeQuantState(encodeQuantState(nested), 'x')).toEqual(nested);
    const plain = { blocksize: 64, dtype: 'float32' as const, shape: [3, 5] };
    expect(new TextDecoder().decode(encodeQuantState(plain))).toBe(
      '{"quant_type": "nf4", "blocksize": 64, "dtype": "float32", "shape": [3, 5]}',
    );
  });

  it('names the tensor and the field it refuses', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(() =>
      decodeQuantState(bytes('{"quant_type": "fp4", "blocksize": 64, "dtype": "float16", "shape": [2, 2]}'), 'W'),
    ).toThrow('W: field "quant_type": "fp4" is not supported (guinav reads nf4)');
    expect(() =>
      decodeQuantState(bytes('{"quant_type": "nf4", "blocksize": 64, "dtype": "int8", "shape": [2]}'), 'W'),
    ).toThrow(/W: field "dtype"/);
    expect(() => decodeQuantState(bytes('not json'), 'W')).toThrow(/W: not the JSON of a bitsandbytes quant state/);
  });
});
