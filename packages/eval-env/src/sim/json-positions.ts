/**
 * 1-based line of each element of a top-level array in JSON text: `{"tasks": [ {...}, {...} ]}`
 * -> the line where each task starts. Used only to point error messages at the right line of a
 * file that already parsed, so it does not validate; a key that is absent gives [].
 */
export function arrayElementLines(text: string, key: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inTarget = false;
  let expectValue = false;
  let lastString = '';
  let pendingKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (inTarget && depth === 2 && expectValue && c !== ']') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') {
      const start = i + 1;
      for (i = start; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastString = text.slice(start, i);
      continue;
    }
    if (c === ':' && depth === 1) pendingKey = lastString;
    else if (c === '{' || c === '[') {
      depth++;
      if (c === '[' && depth === 2 && pendingKey === key) {
        inTarget = true;
        expectValue = true;
      }
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 1) inTarget = false;
    } else if (c === ',' && inTarget && depth === 2) expectValue = true;
  }
  return lines;
}
