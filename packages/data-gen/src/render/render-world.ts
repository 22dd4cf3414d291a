import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { mapLimit } from '../io/concurrency.js';
import type { OnProgress } from '../io/progress.js';
import { isSystemAction, type World } from '../world/world.js';
import { loadIconDataUris, scanIconFolder } from './icon-folder.js';
import { DEFAULT_OUTPUT_SIZE, fitOutputSize, type OutputSize } from './output-size.js';
import { type IconArtwork, imageArtwork, pageSvg } from './page-svg.js';
import { proceduralIconSvg } from './procedural-icons.js';
import { inProcessRasterizer, type Rasterizer, workerRasterizer } from './rasterizer.js';

/** Bumped whenever drawing changes, so older screenshots stop counting as up to date. */
export const RENDERER_VERSION = 1;

/** Kept next to the images: the hash of every page's render inputs, to skip pages that are up to date. */
export const RENDER_MANIFEST = '.guinav-render.json';

const Manifest = z.object({
  renderer: z.number(),
  pages: z.record(z.string(), z.object({ file: z.string(), hash: z.string() })),
});
type Manifest = z.infer<typeof Manifest>;

export interface RenderWorldOptions {
  /** Folder the PNGs go to (created if missing), named by each page's `image` field. */
  imagesDir: string;
  /** Box of the output image; default 448x448. */
  size?: OutputSize;
  /** Keep the canvas aspect (fit inside `size`) instead of squashing to it. */
  keepAspect?: boolean;
  /** A folder in the published icon set's layout (`<Category>/PNG/<n>.png`); default: procedural icons. */
  iconsDir?: string;
  /** Worker threads; default: one per core. 0 renders in this thread. */
  workers?: number;
  /** Render every page even when its image is up to date. */
  force?: boolean;
  /**
   * A folder of earlier screenshots of this world (with their manifest), e.g. the images folder a
   * staged write will merge into: pages up to date THERE are not rendered again. Default: `imagesDir`.
   */
  reuseDir?: string;
  onProgress?: OnProgress;
  /** Once aborted no new page starts; the pages in flight finish (each file is atomic), then it rejects. */
  signal?: AbortSignal;
}

export interface RenderWorldResult {
  total: number;
  rendered: number;
  skipped: number;
  size: OutputSize;
}

/**
 * Renders every page's screenshot. A page whose render inputs (drawing, layout, icon artwork,
 * size) hash to what the manifest of `reuseDir` (default `imagesDir`) recorded and whose file
 * exists there is skipped. Each PNG is written to a temp file and renamed; the manifest (every
 * page of the world) is written to `imagesDir` at the end.
 */
export async function renderWorld(world: World, options: RenderWorldOptions): Promise<RenderWorldResult> {
  const size = fitOutputSize(options.size ?? DEFAULT_OUTPUT_SIZE, world.canvas, options.keepAspect ?? false);
  const artwork = await iconArtwork(world, options.iconsDir);
  await mkdir(options.imagesDir, { recursive: true });
  const reuseDir = options.reuseDir ?? options.imagesDir;
  const previous = options.force ? undefined : await readManifest(path.join(reuseDir, RENDER_MANIFEST));

  const jobs = world.pageIds.map((id) => {
    const svg = pageSvg(world, id, size, artwork);
    const file = imageFileName(world, id);
    const hash = createHash('sha256').update(`${RENDERER_VERSION}\n${svg}`).digest('hex');
    return { id, svg, file, hash };
  });
  const stale = [];
  for (const job of jobs) {
    const known = previous?.pages[job.id];
    const fresh = known?.hash === job.hash && known.file === job.file;
    if (!fresh || !(await exists(path.join(reuseDir, job.file)))) stale.push(job);
  }

  const total = stale.length;
  options.onProgress?.({ phase: 'render', done: 0, total });
  const workers = options.workers ?? os.availableParallelism();
  const rasterizer: Rasterizer = workers > 0 ? workerRasterizer(Math.min(workers, total || 1)) : inProcessRasterizer();
  let done = 0;
  try {
    // Two jobs per lane keep sharp's thread pool busy while the next SVG is handed over.
    await mapLimit(
      stale,
      2 * Math.max(1, workers),
      async (job) => {
        await rasterizer.rasterize(job.svg, path.join(options.imagesDir, job.file));
        options.onProgress?.({ phase: 'render', done: ++done, total });
      },
      options.signal,
    );
  } finally {
    await rasterizer.close();
  }
  options.signal?.throwIfAborted();

  const manifest: Manifest = { renderer: RENDERER_VERSION, pages: { ...previous?.pages } };
  for (const job of jobs) manifest.pages[job.id] = { file: job.file, hash: job.hash };
  await writeFileAtomic(path.join(options.imagesDir, RENDER_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { total: jobs.length, rendered: stale.length, skipped: jobs.length - stale.length, size };
}

/** The page's `image` field, which must be a plain file name (it is joined to the images folder). */
export function imageFileName(world: World, pageId: string): string {
  const file = world.structure.pages[pageId]?.image ?? '';
  if (!file || file !== path.basename(file) || file === '.' || file === '..') {
    throw new Error(`${world.source}: pages.${pageId}.image must be a file name like "${pageId}.png", got "${file}"`);
  }
  return file;
}

async function iconArtwork(world: World, iconsDir: string | undefined): Promise<IconArtwork> {
  if (!iconsDir) return proceduralIconSvg;
  const uses = world.pageIds.flatMap((page) =>
    Object.keys(world.structure.pages[page]?.layout ?? {})
      .filter((icon) => !isSystemAction(icon))
      .map((icon) => ({ page, icon })),
  );
  const icons = await scanIconFolder(iconsDir);
  return imageArtwork(await loadIconDataUris(iconsDir, icons, uses));
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(file, 'utf8')));
    // An unreadable or foreign manifest only costs a full re-render.
    return parsed.success && parsed.data.renderer === RENDERER_VERSION ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
