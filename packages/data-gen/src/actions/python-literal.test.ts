import { describe, expect, it } from 'vitest';
import { evalPythonLiteral, PythonEvalError } from './python-literal.js';
import { pyLength, pyLevenshtein, pyStrip } from './python-text.js';

describe('evalPythonLiteral (what Python 3 eval() gives)', () => {
  it.each([
    ['(500, 300)', [500, 300]],
    ['500, 300', [500, 300]], // a bare comma makes a tuple
    ['[500, 300]', [500, 300]],
    ['(500, 300,)', [500, 300]],
    ['(500,)', [500]],
    ['500,', [500]],
    ['(500)', 500], // parentheses alone do not
    ['()', []],
    ['[[1, 2]]', [[1, 2]]],
    ['(512.5, 300.25)', [512.5, 300.25]],
    ['1_000', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E+2', 100],
    ['0x1f4', 500],
    ['0o17', 15],
    ['0b11', 3],
    ['00', 0],
    ['-3', -3],
    ['+-3', -3],
    ['500 + 10 * 2', 520],
    ['(1000 - 10) / 2', 495],
    ['True', 1],
    ['False', 0],
    ['None', null],
    ["'(500, 300)'", '(500, 300)'],
    ['"a\\tb"', 'a\tb'],
    ["(500, 500, 'x')", [500, 500, 'x']],
    ['(500, 300)  # the button', [500, 300]],
    ['(500,\n 300)', [500, 300]], // a line break inside brackets is only space
    ['(500, 300)\n', [500, 300]],
  ])('%j -> %j', (source, value) => {
    expect(evalPythonLiteral(source)).toEqual(value);
  });

  it.each([
    ['', /SyntaxError/],
    ['(500, 300)\nthe button', /SyntaxError/], // a second line outside brackets
    ['(500, 300) is the button', /SyntaxError/],
    ['0500', /SyntaxError.*leading zeros/],
    ['1__0', /SyntaxError/],
    ['1abc', /SyntaxError/],
    ['(500, 300', /SyntaxError.*expected '\)'/],
    ['500 300', /SyntaxError/],
    ['x', /NameError: name 'x' is not defined/],
    ['(x, y)', /NameError/],
    ['1 / 0', /ZeroDivisionError/],
    ["'open", /SyntaxError.*unterminated/],
    ['{500, 300}', /SyntaxError/],
  ])('%j raises %s', (source, error) => {
    expect(() => evalPythonLiteral(source)).toThrow(PythonEvalError);
    expect(() => evalPythonLiteral(source)).toThrow(error);
  });
});

describe('Python string semantics', () => {
  it('strip() removes what str.isspace() accepts, not what JS trim() does', () => {
    expect(pyStrip('\u0085\u001c hello \u00a0\u3000')).toBe('hello');
    expect(pyStrip('\ufeffhello')).toBe('\ufeffhello'); // Python keeps the BOM; trim() would drop it
  });

  it('lengths and edit distances count code points', () => {
    expect(pyLength('ab😀')).toBe(3); // 4 UTF-16 units
    expect(pyLevenshtein('ab😀', 'xy😀')).toBe(2);
    expect(pyLevenshtein('😀', 'a')).toBe(1); // 2 in UTF-16 units
    expect(pyLevenshtein('😀a', 'a')).toBe(1);
    expect(pyLevenshtein('kitten', 'sitting')).toBe(3);
  });
});
