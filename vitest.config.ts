import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Shared test config. Workspace packages resolve to their TypeScript sources through the
 * `@guinav/source` export condition, so tests never need a prior build of a dependency.
 */
export function guinavTestConfig(root: string, options: { setupFiles?: string[] } = {}) {
  return defineConfig({
    root,
    resolve: { conditions: ['@guinav/source'] },
    ssr: { resolve: { conditions: ['@guinav/source'] } },
    test: {
      include: ['src/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // A temporary root per run, removed at the end (tools/test/temp-root.ts).
      globalSetup: [path.join(import.meta.dirname, 'tools', 'test', 'temp-root.ts')],
      setupFiles: options.setupFiles ?? [],
    },
  });
}

export default guinavTestConfig(import.meta.dirname);
