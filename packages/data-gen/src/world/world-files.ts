import { stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { writeOutputDir } from '../io/output-dir.js';
import type { OnProgress } from '../io/progress.js';
import { scanIconFolder } from '../render/icon-folder.js';
import { type RenderWorldOptions, type RenderWorldResult, renderWorld } from '../render/render-world.js';
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
  render?: Omit<RenderWorldOptions, 'imagesDir' | 'iconsDir' | 'onProgress'> | false;
  onProgress?: OnProgress;
}

export interface WrittenWorld {
  world: World;
  outDir: string;
  render?: RenderWorldResult;
}

/**
 * `guinav world generate`: writes `ui_structure.json`, `config.json` and `images/page_X.png`.
 * A new output folder is built in a staging folder and renamed into place; an existing one is
 * updated in place (screenshots that are up to date are kept, every file is replaced atomically).
 */
export async function writeGeneratedWorld(options: WriteGeneratedWorldOptions): Promise<WrittenWorld> {
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
  const write = async (dir: string) => {
    if (options.render !== false) {
      rendered = await renderWorld(world, {
        ...options.render,
        imagesDir: path.join(dir, IMAGES_DIR),
        iconsDir: options.iconsDir,
        onProgress: options.onProgress,
      });
    }
    await writeFileAtomic(path.join(dir, WORLD_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    await writeFileAtomic(path.join(dir, UI_STRUCTURE_FILE), `${JSON.stringify(structure, null, 2)}\n`);
  };
  if (await isDir(options.outDir)) await write(options.outDir);
  else await writeOutputDir(options.outDir, write);
  return { world, outDir: options.outDir, ...(rendered ? { render: rendered } : {}) };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
