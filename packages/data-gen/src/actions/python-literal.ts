/**
 * What Python's `eval` makes of a GUI-Odyssey click argument. The official evaluator runs
 * `eval()` on the text after `CLICK:`, so `(500, 300)`, `500, 300`, `[500, 300]` and
 * `(500, 300)  # the button` are all points, and anything Python cannot evaluate makes the
 * prediction invalid. This evaluates the part of Python that such an argument can use:
 * int and float literals (underscores, hex/octal/binary, exponents), `True` / `False` (as 1 / 0,
 * which is how Python compares them), `None`, simple quoted strings, tuples and lists, unary
 * `+` / `-`, and `+ - * /` between numbers. Anything else (names, calls, other operators) throws
 * PythonEvalError, which the matcher scores as invalid, as Python's NameError or SyntaxError would.
 */

/** Tuples and lists are both arrays: nothing in the matcher tells them apart. */
export type PyValue = number | string | null | PyValue[];

export class PythonEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PythonEvalError';
  }
}

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'newline'; at: number }
  | { kind: 'end'; at: number };

const DIGITS = '[0-9](?:_?[0-9])*';
const NUMBER = new RegExp(
  `0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.?)(?:[eE][+-]?${DIGITS})?`,
  'y',
);
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** The text a sticky regex matches at `at`, if any. */
function matchAt(re: RegExp, source: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(source)?.[0];
}

function syntaxError(at: number, what: string): PythonEvalError {
  return new PythonEvalError(`SyntaxError at column ${at + 1}: ${what}`);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\f') {
      i++;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '\n' || ch === '\r') {
      // Inside brackets a line break is only space; outside it ends the expression.
      if (depth === 0) tokens.push({ kind: 'newline', at: i });
      i++;
    } else if (/[0-9.]/.test(ch) && matchAt(NUMBER, source, i)) {
      const text = matchAt(NUMBER, source, i) as string;
      const next = i + text.length;
      if (/^[0-9_]+$/.test(text) && /^0[0-9_]*[1-9]/.test(text)) throw syntaxError(i, 'leading zeros in an integer');
      if (/[A-Za-z0-9_]/.test(source[next] ?? '')) throw syntaxError(i, 'invalid number literal');
      tokens.push({ kind: 'number', value: Number(text.replaceAll('_', '')), at: i });
      i = next;
    } else if (ch === "'" || ch === '"') {
      const [value, next] = readString(source, i);
      tokens.push({ kind: 'string', value, at: i });
      i = next;
    } else if (matchAt(NAME, source, i)) {
      const name = matchAt(NAME, source, i) as string;
      tokens.push({ kind: 'name', value: name, at: i });
      i += name.length;
    } else if ('()[],+-*/'.includes(ch)) {
      if (ch === '(' || ch === '[') depth++;
      if (ch === ')' || ch === ']') depth--;
      tokens.push({ kind: 'op', value: ch, at: i });
      i++;
    } else {
      throw syntaxError(i, `unexpected character ${JSON.stringify(ch)}`);
    }
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

function readString(source: string, start: number): [string, number] {
  const quote = source[start] as string;
  if (source.startsWith(quote.repeat(3), start)) throw syntaxError(start, 'triple-quoted strings are not supported');
  let out = '';
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === quote) return [out, i + 1];
    if (ch === '\n') break;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = source[++i] ?? '';
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex) {
      const digits = source.slice(i + 1, i + 1 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) throw syntaxError(i, 'truncated \\x/\\u escape');
      out += String.fromCodePoint(Number.parseInt(digits, 16));
      i += hex;
    } else {
      // Python keeps an unknown escape as written (backslash included).
      out += ESCAPES[next] ?? `\\${next}`;
    }
  }
  throw syntaxError(start, 'unterminated string literal');
}

/** A parsed expression, evaluated after the whole text parsed (Python reports syntax errors before name errors). */
type Thunk = () => PyValue;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Thunk {
    if (this.peek().kind === 'end') throw syntaxError(0, 'empty expression');
    const value = this.expressionList(['end', 'newline']);
    while (this.peek().kind === 'newline') this.pos++;
    const rest = this.peek();
    if (rest.kind !== 'end') throw syntaxError(rest.at, 'unexpected text after the expression');
    return value;
  }

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }

  private isClosing(closers: readonly string[]): boolean {
    const t = this.peek();
    return closers.includes(t.kind === 'op' ? t.value : t.kind);
  }

  /** `a`, or the tuple `a, b` / `a,` (a trailing comma makes a tuple). */
  private expressionList(closers: readonly string[], alwaysList = false): Thunk {
    if (this.isClosing(closers)) return () => [];
    const first = this.expression();
    if (!this.isOp(',') && !alwaysList) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.pos++;
      if (this.isClosing(closers)) break;
      items.push(this.expression());
    }
    return () => items.map((item) => item());
  }

  private expression(): Thunk {
    return this.binary(['+', '-'], () => this.term());
  }

  private term(): Thunk {
    return this.binary(['*', '/'], () => this.unary());
  }

  private binary(ops: readonly string[], operand: () => Thunk): Thunk {
    let left = operand();
    while (ops.some((op) => this.isOp(op))) {
      const op = (this.tokens[this.pos++] as { value: string }).value;
      const [a, b] = [left, operand()];
      left = () => arithmetic(op, a(), b());
    }
    return left;
  }

  private unary(): Thunk {
    if (this.isOp('-') || this.isOp('+')) {
      const op = (this.tokens[this.pos++] as { value: string }).value;
      const operand = this.unary();
      return () => arithmetic(op, 0, operand());
    }
    return this.atom();
  }

  private atom(): Thunk {
    const t = this.tokens[this.pos++] as Token;
    switch (t.kind) {
      case 'number':
      case 'string':
        return () => t.value;
      case 'name':
        if (t.value === 'True') return () => 1;
        if (t.value === 'False') return () => 0;
        if (t.value === 'None') return () => null;
        return () => {
          throw new PythonEvalError(`NameError: name '${t.value}' is not defined`);
        };
      case 'op':
        if (t.value === '(' || t.value === '[') {
          const closer = t.value === '(' ? ')' : ']';
          const value = this.expressionList([closer], t.value === '[');
          if (!this.isOp(closer)) throw syntaxError(this.peek().at, `expected '${closer}'`);
          this.pos++;
          return value;
        }
        throw syntaxError(t.at, `unexpected '${t.value}'`);
      default:
        throw syntaxError(t.at, 'unexpected end of the expression');
    }
  }
}

function arithmetic(op: string, a: PyValue, b: PyValue): PyValue {
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw new PythonEvalError(`TypeError: '${op}' is only evaluated between numbers here`);
  }
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  if (b === 0) throw new PythonEvalError('ZeroDivisionError: division by zero');
  return a / b;
}

/** `eval(source)` for a click argument; throws PythonEvalError where Python would raise. */
export function evalPythonLiteral(source: string): PyValue {
  return new Parser(tokenize(source)).parse()();
}
