import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkImageFiles, getPage, listSome, type World } from '@guinav/data-gen';

/** A page's screenshot: where it is, and its bytes, read on first use only. */
export interface Screenshot {
  path: string;
  /** `image/png`, `image/jpeg` or `image/webp`, from the file extension (for data URLs). */
  mimeType: string;
  bytes(): Promise<Uint8Array>;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

export function imageMimeType(file: string): string {
  const mime = MIME_BY_EXTENSION[path.extname(file).toLowerCase()];
  if (!mime) {
    throw new Error(
      `${file}: unsupported screenshot type (expected one of ${Object.keys(MIME_BY_EXTENSION).join(', ')})`,
    );
  }
  return mime;
}

/**
 * Screenshots of one world's pages under one folder (`page.image` relative to `imagesDir`).
 * Shared by every simulator of a run so that each file is read at most once.
 */
export class ScreenshotStore {
  private readonly cache = new Map<string, Screenshot>();

  constructor(
    readonly world: World,
    readonly imagesDir: string,
  ) {}

  get(page: string): Screenshot {
    const cached = this.cache.get(page);
    if (cached) return cached;
    const file = path.join(this.imagesDir, getPage(this.world, page).image);
    let loading: Promise<Uint8Array> | undefined;
    const shot: Screenshot = {
      path: file,
      mimeType: imageMimeType(file),
      bytes: () => {
        loading ??= readFile(file).catch((err: Error) => {
          loading = undefined;
          throw new Error(`${file}: cannot read the screenshot of ${page} (${err.message})`);
        });
        return loading;
      },
    };
    this.cache.set(page, shot);
    return shot;
  }

  /**
   * Fails before a run starts, naming every missing file and every file that is not an image of
   * its extension's format (it would be sent to the model as a broken data URL), rather than
   * halfway through the run.
   */
  async checkAll(pages: Iterable<string>): Promise<void> {
    const files = [...pages].map((page) => this.get(page).path);
    const { missing, notImages } = await checkImageFiles(files, (file) => file);
    if (missing.length) {
      throw new Error(
        `${missing.length} screenshot(s) missing in ${this.imagesDir}: ${listSome(missing)}` +
          ' (use --observation text to evaluate without images)',
      );
    }
    if (notImages.length) {
      throw new Error(
        `${notImages.length} screenshot(s) in ${this.imagesDir} are not images: ${listSome(notImages, 3)}`,
      );
    }
  }
}
