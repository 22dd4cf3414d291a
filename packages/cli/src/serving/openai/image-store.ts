/**
 * Images of chat requests (base64 data URLs) as files the model's preprocessor reads. Files are
 * named by a hash of their bytes, so the same screenshot sent again (a simulator revisits pages)
 * is one file and one entry of the preprocessor's cache. Files in use are kept; of the others
 * the most recently used `keep` stay, the rest are deleted; all go when the store closes.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { imageFileProblem } from '@guinav/data-gen';
import { OpenAiError } from './request.js';

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/webp': '.webp',
};
const DATA_URL = /^data:([\w/+.-]+);base64,/i;

export class ImageStore {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'guinav-serve-images-'));
  /** file -> requests using it; iteration order is least recently used first. */
  private readonly files = new Map<string, number>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly keep = 256) {}

  /** Decodes the request's image URLs to files (held until `release`); a bad one is a 400 naming it. */
  async acquire(urls: readonly string[]): Promise<string[]> {
    const held: string[] = [];
    try {
      for (const [i, url] of urls.entries()) held.push(await this.acquireOne(url, `image ${i + 1}`));
      return held;
    } catch (err) {
      this.release(held);
      throw err;
    }
  }

  private async acquireOne(url: string, name: string): Promise<string> {
    const header = DATA_URL.exec(url);
    if (!header) {
      const shown = url.length > 40 ? `${url.slice(0, 40)}...` : url;
      throw new OpenAiError(400, `${name}: expected a base64 data URL (data:image/png;base64,...), got "${shown}"`);
    }
    const mime = header[1]!.toLowerCase();
    const ext = EXTENSIONS[mime];
    if (!ext) throw new OpenAiError(400, `${name}: ${mime} is not supported (PNG, JPEG or WebP)`);
    const base64 = url.slice(header[0].length);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new OpenAiError(400, `${name}: the data URL is not valid base64`);
    const bytes = Buffer.from(base64, 'base64');
    const file = path.join(this.dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}${ext}`);
    this.files.set(file, (this.files.get(file) ?? 0) + 1);
    this.touch(file);
    try {
      let writing = this.writing.get(file);
      if (!writing) {
        writing = writeFile(file, bytes, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
        this.writing.set(file, writing);
      }
      await writing;
      const problem = await imageFileProblem(file);
      if (problem) throw new OpenAiError(400, `${name}: ${problem}`);
      return file;
    } catch (err) {
      this.release([file]);
      this.forget(file);
      throw err;
    }
  }

  private touch(file: string): void {
    const uses = this.files.get(file) ?? 0;
    this.files.delete(file);
    this.files.set(file, uses);
  }

  private forget(file: string): void {
    if ((this.files.get(file) ?? 0) > 0) return;
    this.files.delete(file);
    this.writing.delete(file);
    void rm(file, { force: true });
  }

  /** The request is answered: its files may go once `keep` newer ones are unused. */
  release(files: readonly string[]): void {
    for (const f of files) this.files.set(f, Math.max(0, (this.files.get(f) ?? 1) - 1));
    let unused = [...this.files].filter(([, uses]) => uses === 0).length;
    for (const [f, uses] of this.files) {
      if (unused <= this.keep) break;
      if (uses > 0) continue;
      this.forget(f);
      unused--;
    }
  }

  /** Files on disk now (for tests). */
  get size(): number {
    return this.files.size;
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
