import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** A path the user gave, with the flag that named it. */
export interface FlaggedPath {
  label: string;
  path: string;
}

export interface PlannedOutput extends FlaggedPath {
  /** Every file the command will write (for a folder output, the files inside it). */
  files: readonly string[];
}

/** The real path, resolved through symbolic links as far as the path exists. */
async function realPath(p: string): Promise<string> {
  const resolved = path.resolve(p);
  try {
    return await realpath(resolved);
  } catch {
    const parent = path.dirname(resolved);
    return parent === resolved ? resolved : path.join(await realPath(parent), path.basename(resolved));
  }
}

async function identity(p: string): Promise<{ real: string; inode?: string; isDirectory: boolean } | undefined> {
  try {
    const s = await stat(p);
    return { real: await realPath(p), inode: `${s.dev}:${s.ino}`, isDirectory: s.isDirectory() };
  } catch {
    return undefined;
  }
}

const inside = (child: string, folder: string) => {
  const rel = path.relative(folder, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Refuses, before any work, an output that would destroy or mix with an input: a file it writes
 * that is one of the input files (also through a link), or an output inside an input folder (the
 * next run would read it as input). Inputs that do not exist are left to their own checks.
 */
export async function checkOutputApart(
  output: PlannedOutput,
  inputs: readonly (FlaggedPath | undefined)[],
): Promise<void> {
  const outReal = await realPath(output.path);
  const written = await Promise.all(
    output.files.map(async (f) => ({ file: f, real: await realPath(f), id: await identity(f) })),
  );
  for (const input of inputs) {
    if (!input) continue;
    const id = await identity(input.path);
    if (!id) continue;
    const name = `${output.label} ${output.path}`;
    if (id.isDirectory) {
      if (inside(outReal, id.real)) {
        throw new Error(
          `${name}: is inside ${input.label} ${input.path}; write the output elsewhere (it would mix with the input)`,
        );
      }
      continue;
    }
    const hit = written.find((w) => w.real === id.real || (w.id?.inode !== undefined && w.id.inode === id.inode));
    if (!hit) continue;
    if (path.resolve(hit.file) === path.resolve(output.path)) {
      throw new Error(
        `${name}: is also the input ${input.label} ${input.path}; writing it would destroy the input (choose another ${output.label})`,
      );
    }
    throw new Error(
      `${name}: would write ${hit.file}, which is the input ${input.label} ${input.path} (choose another ${output.label})`,
    );
  }
}
