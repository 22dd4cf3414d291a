import {
  DEFAULT_ODYSSEY_SEED,
  DEFAULT_ODYSSEY_SIGMA,
  DEFAULT_SYNTHETIC_EPISODES,
  DEFAULT_SYNTHETIC_JITTER,
  DEFAULT_SYNTHETIC_SEED,
  DEFAULT_SYNTHETIC_WIDTH,
  IMAGE_PATH_STYLES,
  type ImagePathStyle,
  type MinDistance,
  ODYSSEY_CATEGORIES,
  ODYSSEY_DPO_STRATEGIES,
  ODYSSEY_PIPELINE_FILES,
  ODYSSEY_PROMPT_FORMATS,
  ODYSSEY_SPLIT_NAMES,
  type OdysseyDpoStrategy,
  type OdysseyPipelineStats,
  type OdysseyPromptFormat,
  writeOdysseyPipelineData,
  writeSyntheticOdysseyEpisodes,
} from '@guinav/data-gen';
import { type Command, Option } from 'commander';
import { interruptible } from '../interrupt.js';
import { choiceList, nonNegativeInteger, positiveInteger, positiveNumber } from '../option-parsers.js';
import { phaseProgress } from '../progress.js';
import { minDistance } from './data-options.js';

const NOT_ODYSSEY =
  'synthetic episodes of a simulated phone in the GUI-Odyssey format, not GUI-Odyssey data: figures on them say nothing about the benchmark';

export interface DataOdysseySyntheticOptions {
  out: string;
  episodes: number;
  seed: number;
  jitter: number;
  width: number;
}

export interface DataOdysseyOptions {
  episodes?: string;
  synthetic?: number | true;
  split?: string;
  screenshots?: string;
  out: string;
  seed: number;
  jitter: number;
  width: number;
  strategies: OdysseyDpoStrategy[];
  sigma: number;
  minDistance: MinDistance;
  promptFormat: OdysseyPromptFormat;
  imagePaths: ImagePathStyle;
  imageCheck: boolean;
}

const table = (header: string[], rows: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
};

export async function dataOdysseySynthetic(opts: DataOdysseySyntheticOptions): Promise<string> {
  const progress = phaseProgress('odyssey-synthetic');
  try {
    const written = await interruptible((signal) =>
      writeSyntheticOdysseyEpisodes({
        outDir: opts.out,
        count: opts.episodes,
        seed: opts.seed,
        jitter: opts.jitter,
        width: opts.width,
        onProgress: progress.onProgress,
        signal,
      }),
    );
    const rows = ODYSSEY_CATEGORIES.map((category) => {
      const mine = written.episodes.filter((e) => e.episode.task_info.category === category);
      return [category, String(mine.length), String(mine.reduce((n, e) => n + e.episode.steps.length, 0))];
    });
    const splits = Object.entries(written.splits).map(([name, s]) => `${name} ${s.train.length}/${s.test.length}`);
    return [
      `wrote ${written.episodes.length} episodes (${written.steps} steps, one ${opts.width} px wide screenshot each) to ${opts.out} (seed ${opts.seed})`,
      ...table(['category', 'episodes', 'steps'], rows),
      `splits (train/test) in ${opts.out}/splits: ${splits.join(', ')}`,
      `note: ${NOT_ODYSSEY}`,
    ].join('\n');
  } finally {
    progress.stop();
  }
}

/** The per-category table of a pipeline data folder, its action counts and what was written. */
export function formatOdysseyPipelineStats(stats: OdysseyPipelineStats, outDir: string): string {
  const categories = [
    ...new Set([...Object.keys(stats.train.byCategory), ...Object.keys(stats.test.byCategory)]),
  ].sort();
  const count = (s: OdysseyPipelineStats['train'], c: string, k: 'episodes' | 'steps') =>
    String(s.byCategory[c]?.[k] ?? 0);
  const rows = [
    ...categories.map((c) => [
      c,
      count(stats.train, c, 'episodes'),
      count(stats.train, c, 'steps'),
      count(stats.test, c, 'episodes'),
      count(stats.test, c, 'steps'),
    ]),
    [
      'total',
      String(stats.train.episodes),
      String(stats.train.steps),
      String(stats.test.episodes),
      String(stats.test.steps),
    ],
  ];
  const actions = (s: OdysseyPipelineStats['train']) =>
    Object.entries(s.byAction)
      .map(([a, n]) => `${a} ${n}`)
      .join(', ');
  const F = ODYSSEY_PIPELINE_FILES;
  const pairs = Object.entries(stats.dpo.pairs).map(([s, n]) => `${s} ${n}`);
  return [
    ...table(['category', 'train episodes', 'steps', 'test episodes', 'steps'], rows),
    `actions (train): ${actions(stats.train)}`,
    `actions (test):  ${actions(stats.test)}`,
    `split ${stats.splitName ?? '(custom)'}: ${stats.splitFile}; seed ${stats.seed}; prompt format ${stats.promptFormat}`,
    `wrote ${outDir}:`,
    `  ${F.sft}    ${stats.records.sft} records (train steps, ground-truth answers)`,
    `  ${F.dpo}   ${stats.records.dpo} pairs (${pairs.join(', ')})`,
    `  ${F.test}   ${stats.records.test} records (test steps; add "pred" and score with guinav eval static --format odyssey)`,
    `  ${F.stats}`,
    ...(stats.synthetic
      ? [
          `episodes: ${stats.synthetic.count} synthetic (seed ${stats.synthetic.seed}) in ${stats.episodesDir}${stats.synthetic.reused ? ' (reused: same settings)' : ''}`,
          `note: ${NOT_ODYSSEY}`,
        ]
      : [`episodes: ${stats.episodesDir}`]),
  ].join('\n');
}

export async function dataOdyssey(opts: DataOdysseyOptions): Promise<string> {
  if (!opts.episodes === !opts.synthetic) {
    throw new Error(
      opts.episodes
        ? '--episodes and --synthetic: give one (your episodes, or a count of synthetic ones to generate)'
        : '--episodes DIR or --synthetic [N]: say which episodes to use (a GUI-Odyssey dataset root, or generated ones)',
    );
  }
  const progress = phaseProgress('odyssey');
  try {
    const { stats } = await interruptible((signal) =>
      writeOdysseyPipelineData({
        outDir: opts.out,
        ...(opts.episodes ? { episodesDir: opts.episodes } : {}),
        ...(typeof opts.synthetic === 'number' ? { syntheticEpisodes: opts.synthetic } : {}),
        ...(opts.split ? { split: opts.split } : {}),
        ...(opts.screenshots ? { screenshotsDir: opts.screenshots } : {}),
        seed: opts.seed,
        jitter: opts.jitter,
        width: opts.width,
        strategies: opts.strategies,
        sigma: opts.sigma,
        minDistance: opts.minDistance,
        promptFormat: opts.promptFormat,
        imagePaths: opts.imagePaths,
        checkImages: opts.imageCheck,
        onProgress: progress.onProgress,
        signal,
      }),
    );
    return formatOdysseyPipelineStats(stats, opts.out);
  } finally {
    progress.stop();
  }
}

const jitterOption = () =>
  new Option('--jitter <n>', 'largest shift of a screen’s content per visit, in 1/1000 of the screen')
    .argParser(nonNegativeInteger)
    .default(DEFAULT_SYNTHETIC_JITTER);
const widthOption = () =>
  new Option('--width <px>', 'screenshot width in pixels (height: the device’s aspect)')
    .argParser(positiveInteger)
    .default(DEFAULT_SYNTHETIC_WIDTH);

export function registerOdysseyData(data: Command): void {
  data
    .command('odyssey-synthetic')
    .description(
      'Synthetic episodes in the GUI-Odyssey format (annotations/, screenshots/, splits/): a simulated phone, six categories, every action kind; not GUI-Odyssey data',
    )
    .requiredOption('--out <dir>', 'output dataset root (created; a folder this command wrote is replaced)')
    .option('--episodes <n>', 'how many episodes', positiveInteger, DEFAULT_SYNTHETIC_EPISODES)
    .option('--seed <n>', 'random seed', nonNegativeInteger, DEFAULT_SYNTHETIC_SEED)
    .addOption(jitterOption())
    .addOption(widthOption())
    .action(async (opts: DataOdysseySyntheticOptions) => {
      console.log(await dataOdysseySynthetic(opts));
    });

  data
    .command('odyssey')
    .description(
      `The GUI-Odyssey pipeline's data: ${ODYSSEY_PIPELINE_FILES.sft} (SFT on the train split), ${ODYSSEY_PIPELINE_FILES.dpo} (DPO pairs of the train split), ${ODYSSEY_PIPELINE_FILES.test} (the test split to score) and ${ODYSSEY_PIPELINE_FILES.stats}`,
    )
    .option(
      '--episodes <dir>',
      'a GUI-Odyssey dataset root as released (annotations/, screenshots/, splits/) or its annotations folder',
    )
    .addOption(
      new Option(
        '--synthetic [n]',
        `no episodes at hand: generate n synthetic ones (default ${DEFAULT_SYNTHETIC_EPISODES}) into OUT/${ODYSSEY_PIPELINE_FILES.episodes}, reused while the settings stay the same`,
      ).argParser(positiveInteger),
    )
    .option(
      '--split <file|name>',
      `a splits file, or ${ODYSSEY_SPLIT_NAMES.join(' | ')} (splits/<name>_split.json of the root)`,
      'random',
    )
    .option('--screenshots <dir>', 'folder of <episode>_<step>.png (default: screenshots/ beside annotations/)')
    .requiredOption('--out <dir>', 'output folder (created, or its files replaced)')
    .option(
      '--seed <n>',
      'seed of the DPO rejections (and of synthetic episodes)',
      nonNegativeInteger,
      DEFAULT_ODYSSEY_SEED,
    )
    .addOption(jitterOption())
    .addOption(widthOption())
    .addOption(
      new Option('--strategies <list>', `DPO rejection strategies, any of ${ODYSSEY_DPO_STRATEGIES.join(',')}`)
        .argParser(choiceList(ODYSSEY_DPO_STRATEGIES))
        .default([...ODYSSEY_DPO_STRATEGIES], 'all'),
    )
    .option('--sigma <n>', 'spatial noise on the 0..1000 scale', positiveNumber, DEFAULT_ODYSSEY_SIGMA)
    .option(
      '--min-distance <d>',
      'spatial: ams (outside sam2_bbox and beyond 0.14) or a larger distance',
      minDistance,
      'ams',
    )
    .addOption(
      new Option(
        '--prompt-format <format>',
        "seed (<image>\\nUser: ...\\nModel:) or official (GUI-Odyssey's Picture 1: <img>...); one format for SFT, DPO and test",
      )
        .choices(ODYSSEY_PROMPT_FORMATS)
        .default('seed'),
    )
    .addOption(
      new Option('--image-paths <style>', 'absolute, relative to --out, or as-given')
        .choices(IMAGE_PATH_STYLES)
        .default('absolute'),
    )
    .option('--no-image-check', 'do not require every screenshot of --episodes to exist')
    .action(async (opts: DataOdysseyOptions) => {
      console.log(await dataOdyssey(opts));
    });
}
