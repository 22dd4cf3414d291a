import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hash32 } from '../random/data-rng.js';

/**
 * Staging: outputs are written under a temporary name next to their destination, then renamed
 * into place. The name carries its owner (process id and a hash of the host name), so a later run
 * can tell a staging entry left by a killed process (`kill -9`, a crash: its owner is gone) from
 * the live staging of a concurrent run, which it never touches.
 *
 *   `.guinav-staging-<pid>-<host>-<random>`          inside an existing output folder
 *   `.<name>.guinav-staging-<pid>-<host>-<random>`   next to a new folder or a file called <name>
 */
const MARK = 'guinav-staging';
const HOST = (hash32(os.hostname()) >>> 0).toString(16).padStart(8, '0');

/** This process's live staging paths, for the last-resort cleanup of a second Ctrl-C. */
const live = new Set<string>();

/** A fresh staging path for `target` (a folder or file), in `target`'s folder or, with `inside`, in `target` itself. */
export function stagingPath(target: string, inside = false): string {
  const resolved = path.resolve(target);
  const owner = `${MARK}-${process.pid}-${HOST}-${randomBytes(6).toString('hex')}`;
  return inside
    ? path.join(resolved, `.${owner}`)
    : path.join(path.dirname(resolved), `.${path.basename(resolved)}.${owner}`);
}

/** The owner named by a staging entry of `base` (`''` for entries inside an output folder), if it is one. */
export function stagingOwner(entry: string, base: string): { pid: number; host: string } | undefined {
  const prefix = base ? `.${base}.${MARK}-` : `.${MARK}-`;
  if (!entry.startsWith(prefix)) return undefined;
  const m = /^(\d+)-([0-9a-f]{8})-[0-9a-f]+$/.exec(entry.slice(prefix.length));
  return m ? { pid: Number(m[1]), host: m[2] as string } : undefined;
}

function ownerIsGone(owner: { pid: number; host: string }, entry: string): boolean {
  // Another machine's staging (a shared disk): its owner cannot be checked from here.
  if (owner.host !== HOST) return false;
  // Our own process id: live if this process made it, else left by an earlier process with the same id.
  if (owner.pid === process.pid) return ![...live].some((p) => path.basename(p) === entry);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the staging entries of `base` in `folder` whose owning process is gone, and returns
 * their paths. Entries of live processes (a concurrent run) are left alone.
 */
export async function removeAbandonedStaging(folder: string, base: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const owner = stagingOwner(entry, base);
    if (!owner || !ownerIsGone(owner, entry)) continue;
    const p = path.join(folder, entry);
    await rm(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

export function trackStaging(p: string): void {
  live.add(p);
}

export function untrackStaging(p: string): void {
  live.delete(p);
}

/**
 * Removes every live staging entry of this process at once, synchronously: for a process about to
 * exit without unwinding (a second Ctrl-C), so it leaves the old outputs and nothing else.
 */
export function removeStagingNow(): string[] {
  const removed = [...live];
  for (const p of removed) {
    try {
      rmSync(p, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort: the next run of the command removes what is left (its owner is gone then).
    }
    live.delete(p);
  }
  return removed;
}
