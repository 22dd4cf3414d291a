import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapLimit } from './concurrency.js';
import { writeOutputDir } from './output-dir.js';

describe('writeOutputDir', () => {
  it('renames a new folder into place only when filling succeeds', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    const out = path.join(tmp, 'new');
    await expect(
      writeOutputDir(out, async (staging) => {
        await writeFile(path.join(staging, 'a.json'), '1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await readdir(tmp)).toEqual([]);
    await writeOutputDir(out, async (staging) => writeFile(path.join(staging, 'a.json'), '1'));
    expect(await readdir(tmp)).toEqual(['new']);
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('1');
  });

  it('keeps an existing folder intact on failure and replaces only its own files on success', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await mkdir(path.join(tmp, 'd'));
    await writeFile(path.join(tmp, 'd', 'a.json'), 'old');
    await writeFile(path.join(tmp, 'd', 'other.txt'), 'other');
    await expect(
      writeOutputDir(path.join(tmp, 'd'), async (staging) => {
        await writeFile(path.join(staging, 'a.json'), 'half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await readdir(path.join(tmp, 'd'))).sort()).toEqual(['a.json', 'other.txt']);
    expect(await readFile(path.join(tmp, 'd', 'a.json'), 'utf8')).toBe('old');
    await writeOutputDir(path.join(tmp, 'd'), async (staging) => writeFile(path.join(staging, 'a.json'), 'new'));
    expect(await readFile(path.join(tmp, 'd', 'a.json'), 'utf8')).toBe('new');
    expect(await readFile(path.join(tmp, 'd', 'other.txt'), 'utf8')).toBe('other');
  });

  it('refuses a path that is a file', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await writeFile(path.join(tmp, 'f'), '');
    await expect(writeOutputDir(path.join(tmp, 'f'), async () => {})).rejects.toThrow(
      /f: exists and is not a directory/,
    );
  });
});

describe('mapLimit', () => {
  it('keeps order, bounds concurrency and stops starting work after a failure', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(started).toEqual([1, 2]);
  });
});

describe('writeOutputDir merging', () => {
  it('merges a sub-folder that exists on both sides', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await mkdir(path.join(tmp, 'sub'), { recursive: true });
    await writeFile(path.join(tmp, 'sub', 'old.txt'), 'old');
    await writeOutputDir(tmp, async (staging) => {
      await mkdir(path.join(staging, 'sub'));
      await writeFile(path.join(staging, 'sub', 'new.txt'), 'new');
    });
    expect((await readdir(path.join(tmp, 'sub'))).sort()).toEqual(['new.txt', 'old.txt']);
    expect((await readdir(tmp)).sort()).toEqual(['sub']);
  });
});

describe('writeOutputDir permissions', () => {
  it('gives a new folder the umask permissions, not mkdtemp’s 0700', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    const out = path.join(tmp, 'fresh');
    await writeOutputDir(out, async () => {});
    const { stat } = await import('node:fs/promises');
    const reference = path.join(tmp, 'reference');
    await mkdir(reference);
    expect((await stat(out)).mode & 0o777).toBe((await stat(reference)).mode & 0o777);
  });
});

describe('writeOutputDir and Ctrl-C', () => {
  it('moves nothing in and removes the staging folder when the signal aborts during the fill', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await mkdir(path.join(tmp, 'd'));
    await writeFile(path.join(tmp, 'd', 'a.json'), 'old');
    for (const dir of [path.join(tmp, 'd'), path.join(tmp, 'new')]) {
      const controller = new AbortController();
      await expect(
        writeOutputDir(
          dir,
          async (staging) => {
            await writeFile(path.join(staging, 'a.json'), 'half');
            controller.abort(new Error('interrupted'));
          },
          { signal: controller.signal },
        ),
      ).rejects.toThrow('interrupted');
    }
    expect((await readdir(tmp)).sort()).toEqual(['d']);
    expect(await readdir(path.join(tmp, 'd'))).toEqual(['a.json']);
    expect(await readFile(path.join(tmp, 'd', 'a.json'), 'utf8')).toBe('old');
  });

  it('mapLimit starts nothing new once the signal is aborted', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await expect(
      mapLimit(
        [1, 2, 3, 4, 5],
        1,
        async (n) => {
          started.push(n);
          if (n === 2) controller.abort(new Error('stop'));
        },
        controller.signal,
      ),
    ).rejects.toThrow('stop');
    expect(started).toEqual([1, 2]);
  });
});

describe('checkOutputDir / checkOutputFile', () => {
  it('name the flag and the path that is in the way', async () => {
    const { checkOutputDir, checkOutputFile } = await import('./output-dir.js');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await writeFile(path.join(tmp, 'f'), '');
    await expect(checkOutputDir(path.join(tmp, 'f'), '--out')).rejects.toThrow(
      `--out ${path.join(tmp, 'f')}: exists and is not a directory`,
    );
    await expect(checkOutputDir(path.join(tmp, 'f', 'sub', 'dir'), '--out')).rejects.toThrow(
      `--out ${path.join(tmp, 'f', 'sub', 'dir')}: ${path.join(tmp, 'f')} is a file, not a directory`,
    );
    await expect(checkOutputFile(tmp, '--out')).rejects.toThrow(`--out ${tmp}: is a directory; expected a file path`);
    await expect(checkOutputFile(path.join(tmp, 'f', 'x.jsonl'), '--out')).rejects.toThrow(
      /is a file, not a directory/,
    );
    await expect(checkOutputDir(path.join(tmp, 'new', 'deeper'), '--out')).resolves.toBeUndefined();
    await expect(checkOutputFile(path.join(tmp, 'f'), '--out')).resolves.toBeUndefined();
    expect((await readdir(tmp)).sort()).toEqual(['f']); // checking creates nothing
  });
});

describe('writeOutputDir on a disk that refuses the write', () => {
  const enospc = (file: string) =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: file });

  it('names the flag, the output path and the file (not its staging path) on a full disk', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    const out = path.join(tmp, 'data');
    await expect(
      writeOutputDir(
        out,
        async (staging) => {
          await writeFile(path.join(staging, 'sft.json'), '[');
          throw enospc(path.join(staging, 'sft.json'));
        },
        { label: '--out' },
      ),
    ).rejects.toThrow(
      `--out ${out}: cannot write the output (writing ${path.join(out, 'sft.json')}): no space left on the device (ENOSPC); nothing was changed`,
    );
    expect(await readdir(tmp)).toEqual([]);
    // Errors that are not about the disk pass through as they are.
    await expect(writeOutputDir(out, async () => Promise.reject(new Error('bad input')))).rejects.toThrow(
      /^bad input$/,
    );
  });

  it.runIf(process.platform === 'linux')(
    'names the flag and the path of a folder it may not write (/sys)',
    async () => {
      await expect(writeOutputDir('/sys/guinav-test-out', async () => {}, { label: '--out' })).rejects.toThrow(
        /^--out \/sys\/guinav-test-out: cannot write the output: (permission denied \(EACCES\)|operation not permitted \(EPERM\)|read-only file system \(EROFS\)); nothing was changed$/,
      );
    },
  );
});

describe('writeOutputDir replace', () => {
  it('replaces the named folders whole and merges the rest', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    for (const sub of ['episodes', 'other']) {
      await mkdir(path.join(tmp, sub));
      await writeFile(path.join(tmp, sub, 'stale.json'), 'old');
    }
    await writeOutputDir(
      tmp,
      async (staging) => {
        for (const sub of ['episodes', 'other']) {
          await mkdir(path.join(staging, sub));
          await writeFile(path.join(staging, sub, 'new.json'), 'new');
        }
      },
      { replace: ['episodes'] },
    );
    expect(await readdir(path.join(tmp, 'episodes'))).toEqual(['new.json']);
    expect((await readdir(path.join(tmp, 'other'))).sort()).toEqual(['new.json', 'stale.json']);
    expect((await readdir(tmp)).sort()).toEqual(['episodes', 'other']);
  });

  it('leaves a named folder the new output does not have', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-out-'));
    await mkdir(path.join(tmp, 'episodes'));
    await writeFile(path.join(tmp, 'episodes', 'kept.json'), 'old');
    await writeOutputDir(tmp, async (staging) => writeFile(path.join(staging, 'a.json'), '1'), {
      replace: ['episodes'],
    });
    expect(await readdir(path.join(tmp, 'episodes'))).toEqual(['kept.json']);
  });
});
