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
      setupFiles: options.setupFiles ?? [],
    },
  });
}

export default guinavTestConfig(import.meta.dirname);
