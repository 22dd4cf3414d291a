import { describe, expect, it } from 'vitest';
import {
  duplicateJsonKeys,
  formatJsonPath,
  JsonSyntaxError,
  jsonPathPosition,
  MAX_JSON_DEPTH,
  parseJson,
} from './json-text.js';

const syntaxError = (text: string): JsonSyntaxError => {
  try {
    parseJson(text, 'f.json');
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
};

describe('parseJson', () => {
  it('parses valid JSON like JSON.parse', () => {
    expect(parseJson('{"a": [1, 2.5e3, "x\\n", true, null]}', 'f.json')).toEqual({ a: [1, 2500, 'x\n', true, null] });
  });

  it('names the line and column of a syntax error and what was expected', () => {
    expect(syntaxError('{"pages": {').message).toBe(
      'f.json: not valid JSON at line 1, column 12: expected a property name in double quotes, found the end of the text',
    );
    // An unquoted value on line 3 (JSON.parse in Node 20 gives no position for this one).
    const e = syntaxError('{\n  "source": "page_0",\n  "target": page_18\n}');
    expect(e.position).toEqual({ line: 3, column: 13 });
    expect(e.reason).toMatch(/^expected a value .* found "p"/);
    expect(syntaxError('{"a": 1 "b": 2}').detail).toBe(
      'line 1, column 9: expected \',\' or \'}\' after the value of "a", found "\\""',
    );
    expect(syntaxError('[1, 2,]').detail).toMatch(/^line 1, column 7: expected a value/);
    expect(syntaxError('{"a": "unterminated}').detail).toMatch(/^line 1, column 7: unterminated string/);
    expect(syntaxError('{"a": 1} x').detail).toBe('line 1, column 10: unexpected "x" after the end of the JSON value');
    expect(syntaxError('').detail).toMatch(/^line 1, column 1: expected a value/);
    expect(syntaxError('{"a": "tab\there"}').detail).toMatch(/^line 1, column 11: control character/);
    expect(syntaxError('\uFEFF{}').detail).toMatch(/^line 1, column 1: expected a value .* found U\+FEFF$/);
  });
});

describe('jsonPathPosition', () => {
  it('finds the line of a value by its path, through strings that contain brackets', () => {
    const text = '{\n "subtree": "[x", "tasks": [\n  {"a": [1,\n 2]},\n  "s\\"]",\n  3\n ],\n "other": [9]\n}';
    expect([0, 1, 2].map((i) => jsonPathPosition(text, ['tasks', i])?.line)).toEqual([3, 5, 6]);
    expect(jsonPathPosition(text, ['tasks', 0, 'a', 1])).toEqual({ line: 4, column: 2 });
    expect(jsonPathPosition(text, ['other', 0])).toEqual({ line: 8, column: 12 });
    expect(jsonPathPosition(text, ['tasks', 3])).toBeUndefined();
    expect(jsonPathPosition(text, ['missing'])).toBeUndefined();
    expect(jsonPathPosition('{"a": ', ['a'])).toBeUndefined();
  });

  it('formats a path the way error messages show it', () => {
    expect(formatJsonPath(['tasks', 3, 'pathLength'])).toBe('tasks[3].pathLength');
    expect(formatJsonPath([])).toBe('(root)');
  });
});

describe('duplicateJsonKeys', () => {
  it('reports a key repeated within one object, with both lines (JSON.parse would keep only the last)', () => {
    const text =
      '{"pages": {"page_0": {"layout": {\n "A_1": {},\n "B_2": {},\n "A_1": {"x": 1}}}},\n "list": [{"k": 1, "k": 2}]}';
    expect(duplicateJsonKeys(text)).toEqual([
      {
        path: ['pages', 'page_0', 'layout'],
        key: 'A_1',
        first: { line: 2, column: 2 },
        second: { line: 4, column: 2 },
      },
      { path: ['list', 0], key: 'k', first: { line: 5, column: 12 }, second: { line: 5, column: 20 } },
    ]);
    expect(duplicateJsonKeys('{"a": {"b": 1}, "c": {"b": 2}}')).toEqual([]);
  });
});

describe('deep nesting', () => {
  it('names the file, line and column where the nesting passes the limit, instead of overflowing the stack', () => {
    const deep = `{"pages":\n${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const e = syntaxError(deep);
    // `{` is level 1, so the 512th `[` (column 512 of line 2) opens level 513.
    expect(e.message).toBe(`f.json: not valid JSON at line 2, column 512: nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(duplicateJsonKeys(deep)).toEqual([]);
    expect(jsonPathPosition(deep, ['pages', 0])).toBeUndefined();
    // Brackets inside strings do not count; the limit itself is accepted.
    const ok = `${'['.repeat(MAX_JSON_DEPTH - 1)}"[[[\\"[["${']'.repeat(MAX_JSON_DEPTH - 1)}`;
    expect(() => parseJson(ok, 'f.json')).not.toThrow();
    expect(() => parseJson(`[${ok}]`, 'f.json')).not.toThrow();
    expect(() => parseJson(`[[${ok}]]`, 'f.json')).toThrow(/nested deeper than 512 levels/);
  });
});
