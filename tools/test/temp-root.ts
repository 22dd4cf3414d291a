import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * vitest globalSetup: every test run gets its own temporary root, removed when the run ends.
 * TMPDIR points at it, so whatever a test creates with os.tmpdir() (its own folders, and those of
 * the guinav processes it spawns) goes there and nothing is left in the system's temp folder.
 */
export function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'guinav-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
