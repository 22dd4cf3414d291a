import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type ImagePathStyle, styledImagePath } from '../io/image-paths.js';
import { jsonArrayText, jsonLinesText, writeText } from '../io/json-files.js';
import { checkOutputDir, writeOutputDir } from '../io/output-dir.js';
import { imageFileName } from '../render/render-world.js';
import { loadWorld, type World } from '../world/world.js';
import { GELAB_OUTPUT_FILES } from './dataset-files.js';
import { buildGelabDatasets, type GelabDatasetOptions, type GelabStats } from './gelab-datasets.js';
import type { ImagePathOf } from './gelab-records.js';

export { IMAGE_PATH_STYLES, type ImagePathStyle } from '../io/image-paths.js';

export interface WriteGelabDatasetsOptions extends Omit<GelabDatasetOptions, 'imageOf'> {
  uiStructure: string;
  imagesDir: string;
  outDir: string;
  imagePaths?: ImagePathStyle;
  /** Ctrl-C: stop before anything is moved into `outDir`. */
  signal?: AbortSignal;
}

export function imagePathOf(world: World, imagesDir: string, outDir: string, style: ImagePathStyle): ImagePathOf {
  return (page) => styledImagePath(imagesDir, imageFileName(world, page), outDir, style);
}

/** Every page's screenshot must exist, so no record points at a missing image. */
export async function checkScreenshots(world: World, imagesDir: string): Promise<void> {
  try {
    if (!(await stat(imagesDir)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new Error(`--images-dir ${imagesDir}: not a readable directory (${(err as Error).message})`);
  }
  const missing: string[] = [];
  for (const page of world.pageIds) {
    const file = imageFileName(world, page);
    try {
      await stat(path.join(imagesDir, file));
    } catch {
      missing.push(file);
    }
  }
  if (missing.length) {
    throw new Error(
      `--images-dir ${imagesDir}: missing the screenshot of ${missing.length} of ${world.pageIds.length} page(s): ` +
        `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} (render them with \`guinav world render\`)`,
    );
  }
}

/** `guinav data gelab`: loads the world, checks the screenshots, and writes every dataset file at once. */
export async function writeGelabDatasets(
  options: WriteGelabDatasetsOptions,
): Promise<{ stats: GelabStats; files: string[] }> {
  await checkOutputDir(options.outDir, '--out');
  const world = await loadWorld(options.uiStructure);
  await checkScreenshots(world, options.imagesDir);
  const imageOf = imagePathOf(world, options.imagesDir, options.outDir, options.imagePaths ?? 'absolute');
  const data = buildGelabDatasets(world, { ...options, imageOf });
  const names = GELAB_OUTPUT_FILES;
  const outputs: [string, string][] = [
    [names.sft, jsonArrayText(data.sft)],
    [names.iconCaptioning, jsonArrayText(data.iconCaptioning)],
    [names.iconGrounding, jsonArrayText(data.iconGrounding)],
    [names.stRl, jsonArrayText(data.stRl)],
    [names.test, jsonArrayText(data.test)],
    [names.tasksTest, `${JSON.stringify(data.tasksTest, null, 2)}\n`],
    [names.stats, `${JSON.stringify(data.stats, null, 2)}\n`],
  ];
  if (data.dpo) outputs.push([names.dpo, jsonLinesText(data.dpo)]);
  const { signal } = options;
  await writeOutputDir(
    options.outDir,
    async (staging) => {
      for (const [name, text] of outputs) {
        signal?.throwIfAborted();
        await writeText(path.join(staging, name), text);
      }
    },
    { signal },
  );
  return { stats: data.stats, files: outputs.map(([name]) => path.join(options.outDir, name)) };
}
