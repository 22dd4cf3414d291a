import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetOutput, prettyJsonOutput, writeDatasetOutputs } from '../io/dataset-outputs.js';
import { checkImageFiles, listSome } from '../io/image-files.js';
import { type ImagePathStyle, styledImagePath } from '../io/image-paths.js';
import { checkOutputApart } from '../io/inputs-apart.js';
import { jsonArrayChunks, jsonLinesChunks } from '../io/json-files.js';
import { checkOutputDir, writeOutputDir } from '../io/output-dir.js';
import { imageFileName } from '../render/render-world.js';
import { loadWorld, type World } from '../world/world.js';
import { GELAB_OUTPUT_FILE_NAMES, GELAB_OUTPUT_FILES } from './dataset-files.js';
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

/** Every page's screenshot must exist and be an image, so no record points at a missing or broken one. */
export async function checkScreenshots(world: World, imagesDir: string): Promise<void> {
  try {
    if (!(await stat(imagesDir)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new Error(`--images-dir ${imagesDir}: not a readable directory (${(err as Error).message})`);
  }
  const files = world.pageIds.map((page) => path.join(imagesDir, imageFileName(world, page)));
  const { missing, notImages } = await checkImageFiles(files, (f) => path.basename(f));
  const pages = world.pageIds.length;
  if (missing.length) {
    throw new Error(
      `--images-dir ${imagesDir}: missing the screenshot of ${missing.length} of ${pages} page(s): ` +
        `${listSome(missing)} (render them with \`guinav world render\`)`,
    );
  }
  if (notImages.length) {
    throw new Error(
      `--images-dir ${imagesDir}: ${notImages.length} of ${pages} screenshot(s) are not images: ${listSome(notImages, 3)} ` +
        '(render them again with `guinav world render --force`)',
    );
  }
}

/**
 * `guinav data gelab`: loads the world, checks the screenshots, and writes every dataset file at
 * once (staged, see writeOutputDir), each as a stream of records rather than one string.
 */
export async function writeGelabDatasets(
  options: WriteGelabDatasetsOptions,
): Promise<{ stats: GelabStats; files: string[] }> {
  const { outDir, signal } = options;
  await checkOutputDir(outDir, '--out');
  await checkOutputApart(
    { label: '--out', path: outDir, files: GELAB_OUTPUT_FILE_NAMES.map((name) => path.join(outDir, name)) },
    [
      { label: '--ui-structure', path: options.uiStructure },
      { label: '--images-dir', path: options.imagesDir },
    ],
  );
  const world = await loadWorld(options.uiStructure);
  await checkScreenshots(world, options.imagesDir);
  const imageOf = imagePathOf(world, options.imagesDir, outDir, options.imagePaths ?? 'absolute');
  const data = buildGelabDatasets(world, { ...options, imageOf });
  const names = GELAB_OUTPUT_FILES;
  // [file, its text as chunks, how many chunks]: one chunk per record, plus the brackets.
  const outputs: DatasetOutput[] = [
    [names.sft, jsonArrayChunks(data.sft), data.sft.length + 2],
    [names.iconCaptioning, jsonArrayChunks(data.iconCaptioning), data.iconCaptioning.length + 2],
    [names.iconGrounding, jsonArrayChunks(data.iconGrounding), data.iconGrounding.length + 2],
    [names.stRl, jsonArrayChunks(data.stRl), data.stRl.length + 2],
    [names.mtRl, jsonArrayChunks(data.mtRl), data.mtRl.length + 2],
    [names.test, jsonArrayChunks(data.test), data.test.length + 2],
    prettyJsonOutput(names.tasksTest, data.tasksTest),
    prettyJsonOutput(names.stats, data.stats),
  ];
  if (data.dpo) outputs.push([names.dpo, jsonLinesChunks(data.dpo), data.dpo.length]);
  await writeOutputDir(
    outDir,
    (staging) => writeDatasetOutputs(staging, outputs, { signal, onProgress: options.onProgress }),
    { signal, label: '--out' },
  );
  return { stats: data.stats, files: outputs.map(([name]) => path.join(outDir, name)) };
}
