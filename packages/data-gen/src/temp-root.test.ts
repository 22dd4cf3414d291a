import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The shared vitest config (tools/test/temp-root.ts) points TMPDIR at a folder of this run and
// removes it when the run ends, so tests and the guinav processes they spawn leave nothing behind.
describe('test temporary folders', () => {
  it('live under the run’s own root, not directly in the system temp folder', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^guinav-test-run-/);
  });
});
