import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { removeAbandonedStaging, stagingPath, trackStaging, untrackStaging } from './staging.js';
import { outputWriteError } from './write-errors.js';

export interface OutputOptions {
  /** Ctrl-C: stop before anything is moved into place, and remove the staging. */
  signal?: AbortSignal;
  /** The flag that named the output (e.g. `--out`), for error messages. */
  label?: string;
}

export interface OutputDirOptions extends OutputOptions {
  /**
   * Top-level entries (folders) of the output that replace their old version whole instead of
   * being merged file by file, so files the new output no longer has do not linger.
   */
  replace?: readonly string[];
}

/**
 * Fills a directory of outputs so that a failed or interrupted run leaves nothing half-written:
 * `fill` writes into a staging folder; only when it succeeds (and `signal` is not aborted) do the
 * results move into `dir`. A new `dir` is the staging folder renamed into place; into an existing
 * `dir` each staged file is renamed over its old version (a folder on both sides is merged file by
 * file). The moves run synchronously, so no signal handler can run between two of them. On
 * failure or abort the staging folder is removed; staging folders of `dir` left by killed
 * processes are removed first (see staging.ts).
 */
export async function writeOutputDir(
  dir: string,
  fill: (staging: string) => Promise<void>,
  options: OutputDirOptions = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await checkOutputDir(dir, options.label);
  const resolved = path.resolve(dir);
  const existing = (await isDirectory(resolved)) === true;
  await removeAbandonedStaging(path.dirname(resolved), path.basename(resolved));
  if (existing) await removeAbandonedStaging(resolved, '');
  const staging = stagingPath(resolved, existing);
  const target = { label: options.label, path: dir, staging };
  try {
    await mkdir(path.dirname(staging), { recursive: true });
    // mkdir (not mkdtemp, which makes 0700 folders) so the final folder gets the usual umask permissions.
    await mkdir(staging);
  } catch (err) {
    throw outputWriteError(err, target);
  }
  trackStaging(staging);
  // Replaced folders first go into the staging folder, which is removed at the end (or, if the
  // process dies first, by the next run as an abandoned staging folder).
  const old = path.join(staging, `.${path.basename(staging)}-old`);
  try {
    await fill(staging);
    options.signal?.throwIfAborted();
    if (existing) {
      for (const name of options.replace ?? []) {
        const current = path.join(resolved, name);
        if (existsSync(current) && existsSync(path.join(staging, name))) {
          mkdirSync(old, { recursive: true });
          renameSync(current, path.join(old, name));
        }
      }
      moveEntriesSync(staging, resolved, new Set([path.basename(old)]));
      rmSync(staging, { recursive: true, force: true });
    } else {
      renameSync(staging, resolved);
    }
  } catch (err) {
    restoreReplacedSync(old, resolved);
    await rm(staging, { recursive: true, force: true });
    throw outputWriteError(err, target);
  } finally {
    untrackStaging(staging);
  }
}

/** After a failed move: a replaced folder whose new version did not get into place goes back. */
function restoreReplacedSync(old: string, dir: string): void {
  if (!existsSync(old)) return;
  for (const name of readdirSync(old)) {
    if (!existsSync(path.join(dir, name))) renameSync(path.join(old, name), path.join(dir, name));
  }
}

/** Renames every entry of `from` into `to`; a folder that exists on both sides is merged file by file. */
function moveEntriesSync(from: string, to: string, skip: ReadonlySet<string> = new Set()): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory() && isDirectorySync(dst)) moveEntriesSync(src, dst);
    else renameSync(src, dst);
  }
}

function isDirectorySync(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
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
