import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Fills a directory of outputs so that a failed or interrupted run leaves nothing half-written:
 * `fill` writes into a staging folder; only when it succeeds (and `signal` is not aborted) do the
 * results move into `dir`. A new `dir` is the staging folder renamed into place; into an existing
 * `dir` each staged file is renamed over its old version (every rename is atomic; a folder on both
 * sides is merged file by file). On failure or abort the staging folder is removed.
 */
export async function writeOutputDir(
  dir: string,
  fill: (staging: string) => Promise<void>,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await checkOutputDir(dir);
  const existing = await isDirectory(dir);
  const parent = existing ? dir : path.dirname(path.resolve(dir));
  await mkdir(parent, { recursive: true });
  // mkdir (not mkdtemp, which makes 0700 folders) so the final folder gets the usual umask permissions.
  const suffix = randomBytes(6).toString('hex');
  const staging = existing ? path.join(dir, `.guinav-staging-${suffix}`) : `${path.resolve(dir)}.staging-${suffix}`;
  await mkdir(staging);
  try {
    await fill(staging);
    options.signal?.throwIfAborted();
    if (existing) {
      await moveEntries(staging, dir);
      await rm(staging, { recursive: true, force: true });
    } else {
      await rename(staging, dir);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Renames every entry of `from` into `to`; a folder that exists on both sides is merged file by file. */
async function moveEntries(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory() && (await isDirectory(dst)) === true) await moveEntries(src, dst);
    else await rename(src, dst);
  }
}

async function isDirectory(p: string): Promise<boolean | 'file'> {
  try {
    return (await stat(p)).isDirectory() ? true : 'file';
  } catch {
    return false;
  }
}

/**
 * Fails at once, naming `label` (e.g. `--out`) and the path, when `dir` cannot become an output
 * folder: it is a file, or one of its parents is. Run it before long work, not after.
 */
export async function checkOutputDir(dir: string, label?: string): Promise<void> {
  const name = label ? `${label} ${dir}` : dir;
  if ((await isDirectory(dir)) === 'file') throw new Error(`${name}: exists and is not a directory`);
  await checkParents(dir, name);
}

/** Likewise for an output file: it must not be a folder, and its parents must not be files. */
export async function checkOutputFile(file: string, label?: string): Promise<void> {
  const name = label ? `${label} ${file}` : file;
  if ((await isDirectory(file)) === true) throw new Error(`${name}: is a directory; expected a file path`);
  await checkParents(file, name);
}

async function checkParents(target: string, name: string): Promise<void> {
  for (let p = path.dirname(path.resolve(target)); ; p = path.dirname(p)) {
    const kind = await isDirectory(p);
    if (kind === 'file') throw new Error(`${name}: ${p} is a file, not a directory`);
    if (kind === true || p === path.dirname(p)) return;
  }
}
