import path from 'node:path';

/**
 * How dataset records point at screenshots:
 * - `absolute` (default): absolute paths, valid from any working directory (ms-swift resolves
 *   relative paths against its working directory, so this is the safe choice);
 * - `relative`: relative to the output's folder (portable when the data and images move
 *   together; a reader resolves such a path against the dataset file's folder);
 * - `as-given`: the image folder as the user typed it, joined with the file name, like the
 *   published data (`datas/images/page_3.png`); valid from the directory the command ran in.
 */
export type ImagePathStyle = 'absolute' | 'relative' | 'as-given';
export const IMAGE_PATH_STYLES: readonly ImagePathStyle[] = ['absolute', 'relative', 'as-given'];

/** Paths always use `/`, so records are the same on every platform. */
const posix = (p: string) => p.split(path.sep).join('/');

/** The path to write for `file` inside `imagesDir` (as the user gave it), for output in `outDir`. */
export function styledImagePath(imagesDir: string, file: string, outDir: string, style: ImagePathStyle): string {
  if (style === 'as-given') return posix(path.join(imagesDir, file));
  const absolute = path.resolve(imagesDir, file);
  return style === 'absolute' ? absolute : posix(path.relative(path.resolve(outDir), absolute));
}
