#!/usr/bin/env node
/**
 * Adds lockfile entries for platform-specific optional binaries that the npm registry mirror
 * of our CI machines does not serve (it 404s e.g. @biomejs/cli-darwin-arm64, @nx/nx-win32-x64-msvc).
 *
 * npm cannot resolve them, so `npm install` leaves them out of package-lock.json, and `npm ci`
 * then rejects the lockfile as out of sync ("Missing: @nx/nx-darwin-arm64@ from lock file").
 * An entry that names the version and the platform (os/cpu/libc) is enough: npm ci sees the
 * package is for another platform and never downloads it. On a full registry these entries are
 * what npm itself would write (minus the integrity, which only matters where it installs).
 *
 * Run after any `npm install` that rewrites package-lock.json: `node tools/setup/lockfile-platform-entries.mjs`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const lockPath = path.resolve(process.argv[2] ?? 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

const OS = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'];

/** `cli-linux-arm64-musl` -> { os: linux, cpu: arm64, libc: musl }; undefined when the name is not a platform triplet. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('gnueabihf') ? 'arm' : undefined);
  if (!os || !cpu) return undefined;
  const libc = os === 'linux' ? (parts.includes('musl') ? 'musl' : 'glibc') : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `node_modules/${dep}`;
    if (lock.packages[depKey] || lock.packages[`${key}/${depKey}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[depKey] = {
      version,
      ...(platform.cpu && { cpu: [platform.cpu] }),
      ...(entry.dev && { dev: true }),
      ...(platform.libc && { libc: [platform.libc] }),
      optional: true,
      os: [platform.os],
    };
    added++;
  }
}
// npm's own order (it sorts keys with localeCompare), so a later npm install leaves no diff.
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
const tmp = `${lockPath}.tmp`;
writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
renameSync(tmp, lockPath);
console.log(`${path.basename(lockPath)}: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
