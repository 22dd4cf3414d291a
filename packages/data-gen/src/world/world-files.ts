import path from 'node:path';
import { checkOutputApart } from '../io/inputs-apart.js';
import { writeText } from '../io/json-files.js';
import { writeOutputDir } from '../io/output-dir.js';
import type { OnProgress } from '../io/progress.js';
import { scanIconFolder } from '../render/icon-folder.js';
import {
  imageFileName,
  RENDER_MANIFEST,
  type RenderWorldOptions,
  type RenderWorldResult,
  renderWorld,
} from '../render/render-world.js';
import { generateWorld } from './generate.js';
import { ICON_SIZE } from './layout.js';
import { GELAB_CANVAS } from './schema.js';
import { parseWorld, type World } from './world.js';

export const UI_STRUCTURE_FILE = 'ui_structure.json';
export const WORLD_CONFIG_FILE = 'config.json';
export const IMAGES_DIR = 'images';

export interface WriteGeneratedWorldOptions {
  outDir: string;
  nodesPerLevel: readonly number[];
  seed: number;
  /** Recorded in config.json (e.g. `gelab`); absent for a custom shape. */
  preset?: string;
  /** Take icon names and artwork from a folder in the published layout; default: built-in catalog, procedural art. */
  iconsDir?: string;
  /** Screenshot options, or false to write only the JSON files. */
  render?: ScreenshotOptions | false;
  onProgress?: OnProgress;
  /** Ctrl-C: stop, and leave `outDir` as it was. */
  signal?: AbortSignal;
}

/** What `renderWorld` takes, less the folders, which the staged writers choose. */
export type ScreenshotOptions = Omit<
  RenderWorldOptions,
  'imagesDir' | 'reuseDir' | 'iconsDir' | 'onProgress' | 'signal'
>;

export interface WrittenWorld {
  world: World;
  outDir: string;
  render?: RenderWorldResult;
}

/**
 * `guinav world generate`: writes `ui_structure.json`, `config.json` and `images/page_X.png`.
 * Everything is written to a staging folder first (see writeOutputDir), so a failed or
 * interrupted run leaves `outDir` as it was. In an existing folder, screenshots that are up to
 * date are kept (not rendered again) and the new files replace the old ones atomically.
 */
export async function writeGeneratedWorld(options: WriteGeneratedWorldOptions): Promise<WrittenWorld> {
  await checkOutputApart({ label: '--out', path: options.outDir, files: [] }, [iconsInput(options.iconsDir)]);
  const iconNames = options.iconsDir ? [...(await scanIconFolder(options.iconsDir)).keys()] : undefined;
  const structure = generateWorld({ nodesPerLevel: options.nodesPerLevel, seed: options.seed, iconNames });
  const world = parseWorld(structure, path.join(options.outDir, UI_STRUCTURE_FILE));
  const config = {
    generator: 'guinav',
    preset: options.preset ?? null,
    seed: options.seed,
    tree_depth: structure.metadata.tree_depth,
    nodes_per_level: structure.metadata.nodes_per_level,
    canvas_size: [GELAB_CANVAS.width, GELAB_CANVAS.height],
    icon_size: [ICON_SIZE, ICON_SIZE],
    icons: options.iconsDir ? 'folder' : 'procedural',
  };
  let rendered: RenderWorldResult | undefined;
  await writeOutputDir(
    options.outDir,
    async (staging) => {
      if (options.render !== false) {
        rendered = await renderStaged(world, options.outDir, staging, {
          ...options.render,
          iconsDir: options.iconsDir,
          onProgress: options.onProgress,
          signal: options.signal,
        });
      }
      await writeText(path.join(staging, WORLD_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
      await writeText(path.join(staging, UI_STRUCTURE_FILE), `${JSON.stringify(structure, null, 2)}\n`);
    },
    { signal: options.signal, label: '--out' },
  );
  return { world, outDir: options.outDir, ...(rendered ? { render: rendered } : {}) };
}

/**
 * `guinav world render`: the screenshots of an existing world into `outDir/images`, staged like
 * every other output: pages up to date in `outDir/images` are kept, the others are rendered into a
 * staging folder and moved in only when all succeeded (an interrupted run changes nothing).
 */
export async function writeWorldScreenshots(
  world: World,
  outDir: string,
  options: ScreenshotOptions & Pick<RenderWorldOptions, 'iconsDir' | 'onProgress' | 'signal'> = {},
): Promise<RenderWorldResult> {
  const images = [...world.pageIds.map((page) => imageFileName(world, page)), RENDER_MANIFEST];
  await checkOutputApart(
    { label: '--out', path: outDir, files: images.map((file) => path.join(outDir, IMAGES_DIR, file)) },
    [{ label: '--ui-structure', path: world.source }, iconsInput(options.iconsDir)],
  );
  let result: RenderWorldResult | undefined;
  await writeOutputDir(
    outDir,
    async (staging) => {
      result = await renderStaged(world, outDir, staging, options);
    },
    { signal: options.signal, label: '--out' },
  );
  return result as RenderWorldResult;
}

function iconsInput(iconsDir: string | undefined) {
  return iconsDir ? { label: '--icons', path: iconsDir } : undefined;
}

function renderStaged(
  world: World,
  outDir: string,
  staging: string,
  options: Omit<RenderWorldOptions, 'imagesDir' | 'reuseDir'>,
): Promise<RenderWorldResult> {
  return renderWorld(world, {
    ...options,
    imagesDir: path.join(staging, IMAGES_DIR),
    reuseDir: path.join(outDir, IMAGES_DIR),
  });
}
