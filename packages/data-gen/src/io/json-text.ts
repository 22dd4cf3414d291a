/**
 * JSON text that users hand in (worlds, task lists, episodes, predictions): a syntax error names
 * the line and column, and a schema error can name the line of the offending value. JSON.parse
 * does the parsing; the scanner below runs only to locate a problem, so it costs nothing on
 * valid input and gives the same message on every Node version.
 */

export interface JsonPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** A JSON syntax error, located. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly position: JsonPosition,
    readonly reason: string,
  ) {
    super(`${source}: not valid JSON at line ${position.line}, column ${position.column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }

  /** `line L, column C: reason`, for messages that name the file themselves. */
  get detail(): string {
    return `line ${this.position.line}, column ${this.position.column}: ${this.reason}`;
  }
}

/**
 * The deepest nesting of arrays and objects accepted. Every format guinav reads needs fewer than
 * ten levels; a limit keeps a pathological file (thousands of `[`) from exhausting the stack of
 * the scanner below or of code that walks the parsed value.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Parses JSON text; a syntax error, or nesting deeper than MAX_JSON_DEPTH, throws a
 * JsonSyntaxError naming `source`, the line, the column and what was expected.
 */
export function parseJson(text: string, source: string): unknown {
  const tooDeep = depthExceededAt(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    throw new JsonSyntaxError(source, positionAt(text, tooDeep), `nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const problem = scan(text).error;
    if (!problem) throw err; // JSON.parse and the scanner disagree: keep the engine's message
    throw new JsonSyntaxError(source, positionAt(text, problem.offset), problem.reason);
  }
}

/**
 * Where the value at `path` starts (keys and array indices, as in a zod issue's path), or
 * undefined when the text has no such value or is not valid JSON.
 */
export function jsonPathPosition(text: string, path: readonly PropertyKey[]): JsonPosition | undefined {
  const { found, error } = scan(text, path);
  return found === undefined || error ? undefined : positionAt(text, found);
}

/** A key that appears twice in one object: JSON.parse silently keeps only the last value. */
export interface DuplicateJsonKey {
  /** Path of the object holding the key. */
  path: PropertyKey[];
  key: string;
  first: JsonPosition;
  second: JsonPosition;
}

/** Every key that appears more than once in the same object; [] for text that is not valid JSON. */
export function duplicateJsonKeys(text: string): DuplicateJsonKey[] {
  const duplicates: DuplicateJsonKey[] = [];
  const { error } = scan(text, undefined, (path, key, first, second) =>
    duplicates.push({ path, key, first: positionAt(text, first), second: positionAt(text, second) }),
  );
  return error ? [] : duplicates;
}

/** `tasks[3].pathLength` from `['tasks', 3, 'pathLength']`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      '',
    ) || '(root)'
  );
}

/**
 * Offset of the first `[` or `{` (outside strings) that opens level `limit + 1`, or -1. One pass
 * over the characters, no recursion.
 */
function depthExceededAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

export function positionAt(text: string, offset: number): JsonPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

interface ScanResult {
  /** Offset where the value at the target path starts. */
  found?: number;
  error?: { offset: number; reason: string };
}

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

type OnDuplicate = (path: PropertyKey[], key: string, first: number, second: number) => void;

/**
 * A strict JSON (RFC 8259) scanner: validates the text, finds where the value at `target` starts,
 * and reports keys repeated within one object.
 */
function scan(text: string, target?: readonly PropertyKey[], onDuplicate?: OnDuplicate): ScanResult {
  let i = 0;
  let found: number | undefined;
  const path: PropertyKey[] = [];
  const fail = (reason: string, at = i): never => {
    throw new ScanFailure(at, reason);
  };
  const describe = (at: number) => {
    if (at >= text.length) return 'the end of the text';
    const code = text.charCodeAt(at);
    const visible = code > 0x20 && code < 0x7f;
    return visible ? JSON.stringify(text[at]) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): string => {
    const start = i++;
    let escaped = false;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) break; // "
      if (c < 0x20) fail('control character inside a string (escape it, e.g. \\n)');
      if (c === 92) {
        escaped = true;
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u must be followed by 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape \\${e ?? ''} in a string`);
      } else i++;
    }
    i++;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const value = (depth: number, onPath: boolean): void => {
    space();
    if (onPath && target && depth === target.length) found = i;
    const c = text[i];
    // The same limit as parseJson: the scanner recurses once per level.
    if ((c === '[' || c === '{') && depth >= MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const child = (key: PropertyKey) =>
      onPath && target !== undefined && depth < target.length && String(target[depth]) === String(key);
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      const keys = onDuplicate ? new Map<string, number>() : undefined;
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        const keyAt = i;
        const key = string();
        const seen = keys?.get(key);
        if (seen !== undefined) onDuplicate?.([...path], key, seen, keyAt);
        keys?.set(key, keyAt);
        space();
        if (text[i] !== ':') fail(`expected ':' after the property name "${key}", found ${describe(i)}`);
        i++;
        path.push(key);
        value(depth + 1, child(key));
        path.pop();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}' after the value of "${key}", found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        path.push(index);
        value(depth + 1, child(index));
        path.pop();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']' after array item ${index}, found ${describe(i)}`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if ((c === '-' || (c !== undefined && c >= '0' && c <= '9')) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(`expected a value (object, array, string, number, true, false or null), found ${describe(i)}`);
  };
  try {
    value(0, true);
    space();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return found === undefined ? {} : { found };
  } catch (err) {
    if (err instanceof ScanFailure) return { error: { offset: err.offset, reason: err.reason } };
    throw err;
  }
}
