import { describe, expect, it } from 'vitest';
import { evalPythonLiteral, PythonEvalError } from './python-literal.js';
import { PY_DIGIT, PY_SPACE, PY_WORD, pyDecimalInt, pyLength, pyLevenshtein, pyStrip } from './python-text.js';

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

  it('regex classes \\s, \\d and \\w match what Python 3 matches in a str pattern', () => {
    const space = new RegExp(`^${PY_SPACE}+$`, 'u');
    expect(space.test('\u001c\u001f\u0085 \t\n\u3000')).toBe(true);
    expect(space.test('\ufeff')).toBe(false); // JS \s would match the BOM
    expect(new RegExp(`^${PY_DIGIT}+$`, 'u').test('12\u0663\uff14')).toBe(true); // ASCII, Arabic-Indic, fullwidth
    expect(new RegExp(`^${PY_WORD}+$`, 'u').test('click_é2')).toBe(true);
    expect(new RegExp(`^${PY_WORD}+$`, 'u').test('click(')).toBe(false);
  });

  it('int() of decimal digits of any script, as Python reads them', () => {
    expect(pyDecimalInt('507')).toBe(507);
    expect(pyDecimalInt('\u0663\u0664')).toBe(34); // int('٣٤') == 34
    expect(pyDecimalInt('\uff11\uff12')).toBe(12); // fullwidth
    // mathematical digits: five runs of ten in a row (bold, double-struck, ...): U+1D7D8 is a 0
    expect(pyDecimalInt('\u{1d7d9}\u{1d7d8}')).toBe(10);
  });

  it('lengths and edit distances count code points', () => {
    expect(pyLength('ab😀')).toBe(3); // 4 UTF-16 units
    expect(pyLevenshtein('ab😀', 'xy😀')).toBe(2);
    expect(pyLevenshtein('😀', 'a')).toBe(1); // 2 in UTF-16 units
    expect(pyLevenshtein('😀a', 'a')).toBe(1);
    expect(pyLevenshtein('kitten', 'sitting')).toBe(3);
  });
});
