// Plain JavaScript (not TypeScript) so worker threads can load it without a build step;
// the TypeScript sources import it too, through rasterize.d.mts.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import sharp from 'sharp';

/** Renders an SVG document to a PNG file: written to a temp file, then renamed into place. */
export async function rasterizeSvgToFile(svg, file) {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await sharp(Buffer.from(svg)).png({ compressionLevel: 6 }).toFile(temp);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new Error(`${file}: cannot render (${err instanceof Error ? err.message : String(err)})`);
  }
}
