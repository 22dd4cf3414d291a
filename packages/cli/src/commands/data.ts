import {
  DEFAULT_GELAB_SEED,
  DEFAULT_GELAB_SPLIT,
  DEFAULT_ODYSSEY_SEED,
  DEFAULT_ODYSSEY_SIGMA,
  GELAB_DPO_STRATEGIES,
  GELAB_OUTPUT_FILE_NAMES,
  GELAB_OUTPUT_FILES,
  type GelabDpoStrategy,
  type GelabStats,
  IMAGE_PATH_STYLES,
  type ImagePathStyle,
  type MinDistance,
  OBSERVATION_MODES,
  type ObservationMode,
  ODYSSEY_DPO_STRATEGIES,
  ODYSSEY_PROMPT_FORMATS,
  type OdysseyDpoStrategy,
  type OdysseyPromptFormat,
  writeGelabDatasets,
  writeOdysseyDpo,
} from '@guinav/data-gen';
import { type Command, Option } from 'commander';
import { interruptible } from '../interrupt.js';
import { choiceList, integerList, nonNegativeInteger, positiveInteger, positiveNumber } from '../option-parsers.js';
import { phaseProgress } from '../progress.js';
import { registerOdysseyData } from './data-odyssey.js';
import { minDistance } from './data-options.js';

export interface DataGelabOptions {
  uiStructure: string;
  imagesDir: string;
  out: string;
  sftSubtrees: number[];
  rlSubtrees: number[];
  testSubtree: number;
  seed: number;
  dpo?: boolean;
  dpoStrategies?: GelabDpoStrategy[];
  iconSamples?: number;
  imagePaths: ImagePathStyle;
  observation?: ObservationMode;
}

export interface DataOdysseyDpoOptions {
  episodes: string;
  split?: string;
  subset?: string;
  screenshots?: string;
  out: string;
  strategies: OdysseyDpoStrategy[];
  sigma: number;
  seed: number;
  minDistance: MinDistance;
  promptFormat: OdysseyPromptFormat;
  imagePaths: ImagePathStyle;
  imageCheck: boolean;
}

/** The stats as a table: one row per subtree with its tasks, path-length histogram and samples. */
export function formatGelabStats(stats: GelabStats, outDir: string): string {
  const lengths = [...new Set(stats.subtrees.flatMap((s) => Object.keys(s.pathLengthHistogram)))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const header = ['subtree', 'root', 'pages', 'tasks', ...lengths.map((l) => `len${l}`), 'path', 'edge', 'tied'];
  const rows = stats.subtrees.map((s) => [
    String(s.index),
    s.root,
    String(s.pages),
    String(s.tasks),
    ...lengths.map((l) => String(s.pathLengthHistogram[l] ?? 0)),
    String(s.pathSamples),
    String(s.edgeSamples),
    String(s.tiedTasks),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  const nameWidth = Math.max(...Object.keys(stats.files).map((file) => file.length));
  const files = Object.entries(stats.files).map(([file, n]) => `  ${file.padEnd(nameWidth)}  ${n}`);
  return [
    line(header),
    ...rows.map(line),
    `wrote ${outDir} (split: sft ${stats.split.sftSubtrees.join(',') || '-'}, rl ${stats.split.rlSubtrees.join(',') || '-'}, test ${stats.split.testSubtree}; seed ${stats.seed}):`,
    ...files,
  ].join('\n');
}

export async function dataGelab(opts: DataGelabOptions): Promise<string> {
  const progress = phaseProgress('gelab');
  try {
    const { stats } = await interruptible((signal) =>
      writeGelabDatasets({
        uiStructure: opts.uiStructure,
        imagesDir: opts.imagesDir,
        outDir: opts.out,
        split: { sftSubtrees: opts.sftSubtrees, rlSubtrees: opts.rlSubtrees, testSubtree: opts.testSubtree },
        seed: opts.seed,
        imagePaths: opts.imagePaths,
        ...(opts.iconSamples !== undefined ? { iconSamples: opts.iconSamples } : {}),
        ...(opts.dpo || opts.dpoStrategies ? { dpo: opts.dpoStrategies ?? true } : {}),
        observation: opts.observation,
        onProgress: progress.onProgress,
        signal,
      }),
    );
    return formatGelabStats(stats, opts.out);
  } finally {
    progress.stop();
  }
}

export async function dataOdysseyDpo(opts: DataOdysseyDpoOptions): Promise<string> {
  if (opts.subset && !opts.split) throw new Error('--subset: needs --split FILE to say which episodes are in it');
  const progress = phaseProgress('odyssey-dpo');
  try {
    const result = await interruptible((signal) =>
      writeOdysseyDpo({
        episodesDir: opts.episodes,
        ...(opts.split ? { split: opts.split, subset: opts.subset ?? 'train' } : {}),
        ...(opts.screenshots ? { screenshotsDir: opts.screenshots } : {}),
        out: opts.out,
        strategies: opts.strategies,
        sigma: opts.sigma,
        seed: opts.seed,
        minDistance: opts.minDistance,
        promptFormat: opts.promptFormat,
        imagePaths: opts.imagePaths,
        checkImages: opts.imageCheck,
        onProgress: progress.onProgress,
        signal,
      }),
    );
    const per = Object.entries(result.pairs).map(([s, n]) => `${s} ${n}`);
    const skipped = Object.entries(result.skipped).filter(([, n]) => n > 0);
    return [
      `wrote ${result.records.length} pair(s) to ${result.out} (${per.join(', ')})`,
      ...(skipped.length
        ? [`skipped (no rejection AMS scores as wrong): ${skipped.map(([s, n]) => `${s} ${n}`).join(', ')}`]
        : []),
    ].join('\n');
  } finally {
    progress.stop();
  }
}

export function registerData(program: Command): void {
  const data = program.command('data').description('Write training and evaluation datasets');

  data
    .command('gelab')
    .description(
      `GE-Lab datasets: ${GELAB_OUTPUT_FILE_NAMES.filter((f) => f !== GELAB_OUTPUT_FILES.dpo).join(', ')} (+ ${GELAB_OUTPUT_FILES.dpo} with --dpo)`,
    )
    .requiredOption('--ui-structure <file>', 'the world (ui_structure.json)')
    .requiredOption(
      '--images-dir <dir>',
      'its screenshots (page_X.png), e.g. the images/ folder of `guinav world generate`',
    )
    .requiredOption('--out <dir>', 'output folder (created, or its dataset files replaced)')
    .addOption(
      new Option(
        '--sft-subtrees <list>',
        `subtrees whose path data goes to ${GELAB_OUTPUT_FILES.sft} (edge data: all subtrees)`,
      )
        .argParser(integerList)
        .default(DEFAULT_GELAB_SPLIT.sftSubtrees, DEFAULT_GELAB_SPLIT.sftSubtrees.join(',')),
    )
    .addOption(
      new Option('--rl-subtrees <list>', `subtrees whose path data goes to ${GELAB_OUTPUT_FILES.stRl} ('' for none)`)
        .argParser(integerList)
        .default(DEFAULT_GELAB_SPLIT.rlSubtrees, DEFAULT_GELAB_SPLIT.rlSubtrees.join(',')),
    )
    .option(
      '--test-subtree <n>',
      `subtree of ${GELAB_OUTPUT_FILES.test} and ${GELAB_OUTPUT_FILES.tasksTest}`,
      nonNegativeInteger,
      DEFAULT_GELAB_SPLIT.testSubtree,
    )
    .option(
      '--seed <n>',
      'seed of the ground-truth click points (and DPO rejections)',
      nonNegativeInteger,
      DEFAULT_GELAB_SEED,
    )
    .option('--dpo', `also write ${GELAB_OUTPUT_FILES.dpo}: one preference pair per SFT navigation sample`)
    .option(
      '--dpo-strategies <list>',
      `rejection strategies for --dpo, any of ${GELAB_DPO_STRATEGIES.join(',')} (default: all; implies --dpo)`,
      choiceList(GELAB_DPO_STRATEGIES),
    )
    .option(
      '--icon-samples <n>',
      'captioning and grounding samples each (default one per icon occurrence; the published set used 2320)',
      positiveInteger,
    )
    .addOption(
      new Option(
        '--image-paths <style>',
        'absolute, relative to --out, or as-given (--images-dir as typed + file name)',
      )
        .choices(IMAGE_PATH_STYLES)
        .default('absolute'),
    )
    .addOption(
      new Option(
        '--observation <mode>',
        'how prompts show the screen: image (published), text (elements with boxes, for text models; no icon captioning/grounding) or both',
      )
        .choices(OBSERVATION_MODES)
        .default('image'),
    )
    .action(async (opts: DataGelabOptions) => {
      console.log(await dataGelab(opts));
    });

  data
    .command('odyssey-dpo')
    .description('GUI-Odyssey DPO pairs as JSONL: {prompt, chosen, rejected, images, strategy, episode_id, step}')
    .requiredOption(
      '--episodes <dir>',
      'the dataset root as released (annotations/, screenshots/, splits/) or a folder of episode JSON files',
    )
    .option('--split <file>', 'splits file {train: [files], test: [files]}; only --subset is read')
    .option('--subset <name>', 'subset of --split (default: train)')
    .option(
      '--screenshots <dir>',
      'folder of <episode>_<step>.png (default: ../screenshots next to --episodes if present)',
    )
    .requiredOption('--out <file>', 'output JSONL file')
    .addOption(
      new Option('--strategies <list>', `rejection strategies, any of ${ODYSSEY_DPO_STRATEGIES.join(',')}`)
        .argParser(choiceList(ODYSSEY_DPO_STRATEGIES))
        .default([...ODYSSEY_DPO_STRATEGIES], 'all'),
    )
    .option('--sigma <n>', 'spatial noise on the 0..1000 scale', positiveNumber, DEFAULT_ODYSSEY_SIGMA)
    .option('--seed <n>', 'random seed', nonNegativeInteger, DEFAULT_ODYSSEY_SEED)
    .option(
      '--min-distance <d>',
      'spatial: ams (outside sam2_bbox and beyond 0.14) or a larger distance on 0..1000',
      minDistance,
      'ams',
    )
    .addOption(
      new Option(
        '--prompt-format <format>',
        "seed (<image>\\nUser: ...\\nModel:) or official (GUI-Odyssey's Picture 1: <img>...)",
      )
        .choices(ODYSSEY_PROMPT_FORMATS)
        .default('seed'),
    )
    .addOption(
      new Option('--image-paths <style>', 'absolute, relative to the output file, or as-given (--screenshots as typed)')
        .choices(IMAGE_PATH_STYLES)
        .default('absolute'),
    )
    .option('--no-image-check', 'do not require every screenshot to exist')
    .action(async (opts: DataOdysseyDpoOptions) => {
      console.log(await dataOdysseyDpo(opts));
    });

  registerOdysseyData(data);
}
