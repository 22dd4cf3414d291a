/**
 * The layering rules of docs/trainer-core.md, checked on the sources so they cannot be broken by
 * accident: only backend/ (and the benchmark, which measures the CPU backend on purpose) may
 * import a concrete backend, and kernel definitions import nothing above the tensor layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-utils' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

const rel = (p: string) => path.relative(root, p);

describe('trainer-core layering', () => {
  it('no module outside backend/ imports a concrete backend (index.ts and bench/ excepted)', () => {
    const offenders = sources(root)
      .filter((f) => !/^(backend\/|bench\/|index\.ts$)/.test(rel(f)))
      .flatMap((f) =>
        imports(f)
          .filter((i) => /^backend\/(cpu|webgpu)\//.test(rel(i)))
          .map((i) => `${rel(f)} -> ${rel(i)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('kernel definitions depend only on the tensor layer', () => {
    const offenders = sources(path.join(root, 'kernels')).flatMap((f) =>
      imports(f)
        .filter((i) => !rel(i).startsWith('kernels/') && !rel(i).startsWith('tensor/') && i.startsWith(root))
        .map((i) => `${rel(f)} -> ${rel(i)}`),
    );
    expect(offenders).toEqual([]);
  });
});
