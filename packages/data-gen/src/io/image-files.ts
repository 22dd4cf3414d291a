import { open } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from './concurrency.js';

/** The first bytes of each image format, by file extension. */
const SIGNATURES: Record<string, { format: string; matches: (b: Uint8Array) => boolean }> = {
  '.png': { format: 'PNG', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  '.jpg': { format: 'JPEG', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  '.jpeg': { format: 'JPEG', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  '.webp': {
    format: 'WebP',
    matches: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
  },
};

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((v, i) => bytes[i] === v);
}

/**
 * What is wrong with an image file, or undefined when it is fine: `missing`, or a sentence saying
 * it is not an image of the format its extension names (an HTML error page saved as .png, an
 * empty file). Only the first 12 bytes are read.
 */
export async function imageFileProblem(file: string): Promise<string | undefined> {
  const signature = SIGNATURES[path.extname(file).toLowerCase()];
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch {
    return 'missing';
  }
  try {
    const head = new Uint8Array(12);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (!signature) return undefined; // an extension we do not know: nothing to check against
    if (bytesRead === 0) return `empty, not a ${signature.format} image`;
    if (!signature.matches(head.subarray(0, bytesRead))) return `not a ${signature.format} image`;
    return undefined;
  } finally {
    await handle.close();
  }
}

export interface ImageCheck {
  missing: string[];
  /** `file (reason)` for files that exist but are not images. */
  notImages: string[];
}

/** Checks many image files (a few at a time); `name` says how each appears in the report. */
export async function checkImageFiles(files: readonly string[], name: (file: string) => string): Promise<ImageCheck> {
  const problems = await mapLimit(files, 16, imageFileProblem);
  const missing: string[] = [];
  const notImages: string[] = [];
  problems.forEach((problem, i) => {
    const file = files[i] as string;
    if (problem === 'missing') missing.push(name(file));
    else if (problem) notImages.push(`${name(file)} (${problem})`);
  });
  return { missing, notImages };
}

/** `a, b, c, ...` for at most `max` items of a long list. */
export function listSome(items: readonly string[], max = 5): string {
  return `${items.slice(0, max).join(', ')}${items.length > max ? ', ...' : ''}`;
}
