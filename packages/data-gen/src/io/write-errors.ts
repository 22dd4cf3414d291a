import path from 'node:path';

/** File-system errors that say the destination cannot take the output, in words. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EIO: 'input/output error',
};

/** Gives an error without a path (e.g. `ENOSPC ... write`) the file it happened on. */
export function withPath(err: unknown, file: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.code && !e.path) e.path = file;
  return err;
}

/**
 * An output could not be written (read-only folder, full disk, ...): the error names the flag and
 * the path the user gave, the file it failed on (as it would have been called, not its staging
 * name) and the reason. Other errors pass through unchanged.
 */
export function outputWriteError(err: unknown, target: { label?: string; path: string; staging?: string }): unknown {
  const e = err as NodeJS.ErrnoException;
  const reason = e && typeof e === 'object' && e.code ? REASONS[e.code] : undefined;
  if (!reason) return err;
  const name = target.label ? `${target.label} ${target.path}` : target.path;
  let file = e.path;
  if (file && target.staging) {
    const inStaging = path.relative(target.staging, file);
    file = inStaging.startsWith('..') || path.isAbsolute(inStaging) ? file : path.join(target.path, inStaging);
  }
  const where = file && path.resolve(file) !== path.resolve(target.path) ? ` (writing ${file})` : '';
  return new Error(`${name}: cannot write the output${where}: ${reason} (${e.code}); nothing was changed`);
}
