import path from 'node:path';
import {
  IMAGES_DIR,
  isWorldPreset,
  loadWorld,
  parseOutputSize,
  type RenderWorldResult,
  WORLD_PRESETS,
  writeGeneratedWorld,
  writeWorldScreenshots,
} from '@guinav/data-gen';
import { type Command, Option } from 'commander';
import { interruptible } from '../interrupt.js';
import { boundedInteger, nonNegativeInteger, positiveIntegerList } from '../option-parsers.js';
import { phaseProgress } from '../progress.js';

interface RenderFlags {
  icons?: string;
  size: string;
  keepAspect?: boolean;
  workers?: number;
  force?: boolean;
}

export interface WorldGenerateOptions extends RenderFlags {
  preset: string;
  nodesPerLevel?: number[];
  seed: number;
  out: string;
  render: boolean;
}

export interface WorldRenderOptions extends RenderFlags {
  uiStructure: string;
  out: string;
}

const PRESETS = Object.keys(WORLD_PRESETS);

function addRenderOptions(command: Command): Command {
  return command
    .option('--icons <dir>', 'icon artwork laid out as <Category>/PNG/<n>.png (default: procedurally drawn icons)')
    .option('--size <WxH>', 'screenshot size; the canvas is squashed to it unless --keep-aspect', '448x448')
    .option('--keep-aspect', 'keep the 1179x2556 aspect: fit inside --size instead of squashing')
    .option(
      '--workers <n>',
      'render worker threads, 0..64 (default: one per core; 0 = main thread)',
      boundedInteger(0, 64),
    )
    .option('--force', 're-render every screenshot, even those that are up to date');
}

function renderSettings(opts: RenderFlags) {
  return {
    size: parseOutputSize(opts.size),
    ...(opts.keepAspect ? { keepAspect: true } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.force ? { force: true } : {}),
  };
}

function describeRender(r: RenderWorldResult): string {
  return `rendered ${r.rendered} screenshot(s) at ${r.size.width}x${r.size.height}, ${r.skipped} already up to date`;
}

/** `guinav world generate`: a seeded GE-Lab world with its screenshots. */
export async function worldGenerate(opts: WorldGenerateOptions, presetFromCli: boolean): Promise<string> {
  if (opts.nodesPerLevel && presetFromCli) {
    throw new Error('--preset and --nodes-per-level: give one or the other (a preset is a named --nodes-per-level)');
  }
  if (!opts.nodesPerLevel && !isWorldPreset(opts.preset)) {
    throw new Error(`--preset: expected one of ${PRESETS.join(', ')}, got "${opts.preset}"`);
  }
  const nodesPerLevel = opts.nodesPerLevel ?? WORLD_PRESETS[opts.preset as keyof typeof WORLD_PRESETS];
  const progress = phaseProgress('world');
  try {
    const written = await interruptible((signal) =>
      writeGeneratedWorld({
        outDir: opts.out,
        nodesPerLevel,
        seed: opts.seed,
        ...(opts.nodesPerLevel ? {} : { preset: opts.preset }),
        ...(opts.icons ? { iconsDir: opts.icons } : {}),
        render: opts.render ? renderSettings(opts) : false,
        onProgress: progress.onProgress,
        signal,
      }),
    );
    const pages = written.world.pageIds.length;
    const shape = nodesPerLevel.join(',');
    return [
      `wrote ${path.join(opts.out, 'ui_structure.json')}: ${pages} pages (nodes per level ${shape}), seed ${opts.seed}`,
      written.render
        ? `${describeRender(written.render)} into ${path.join(opts.out, IMAGES_DIR)}`
        : 'no screenshots (--no-render)',
    ].join('\n');
  } finally {
    progress.stop();
  }
}

/** `guinav world render`: screenshots for an existing ui_structure.json. */
export async function worldRender(opts: WorldRenderOptions): Promise<string> {
  const world = await loadWorld(opts.uiStructure);
  const progress = phaseProgress('world');
  try {
    const result = await interruptible((signal) =>
      writeWorldScreenshots(world, opts.out, {
        ...renderSettings(opts),
        ...(opts.icons ? { iconsDir: opts.icons } : {}),
        onProgress: progress.onProgress,
        signal,
      }),
    );
    return `${describeRender(result)} into ${path.join(opts.out, IMAGES_DIR)} (${result.total} pages)`;
  } finally {
    progress.stop();
  }
}

export function registerWorld(program: Command): void {
  const world = program
    .command('world')
    .description('Generate GE-Lab worlds (ui_structure.json) and render their screenshots');

  const generate = world
    .command('generate')
    .description('Generate a seeded world: DIR/ui_structure.json, DIR/config.json and DIR/images/page_X.png')
    .addOption(
      new Option('--preset <name>', 'tree shape: gelab = 5,3,2,2,1,1 (231 pages), mini = 5,2,1 (26 pages)').default(
        'gelab',
      ),
    )
    .option(
      '--nodes-per-level <list>',
      'custom tree shape: children per node at each depth, e.g. 5,3,2',
      positiveIntegerList,
    )
    .option('--seed <n>', 'random seed (same seed, same files)', nonNegativeInteger, 42)
    .requiredOption('--out <dir>', 'output folder (created, or updated in place)')
    .option('--no-render', 'write only the JSON files');
  addRenderOptions(generate).action(async (opts: WorldGenerateOptions) => {
    console.log(await worldGenerate(opts, generate.getOptionValueSource('preset') === 'cli'));
  });

  const render = world
    .command('render')
    .description('Render the screenshots of an existing world into DIR/images/page_X.png')
    .requiredOption('--ui-structure <file>', 'the world (ui_structure.json)')
    .requiredOption('--out <dir>', 'output folder; images go to DIR/images');
  addRenderOptions(render).action(async (opts: WorldRenderOptions) => {
    console.log(await worldRender(opts));
  });
}
