/**
 * `guinav pipeline`: the main job. With no arguments it generates the mini world and its data,
 * evaluates the built-in tiny VLM, trains it with SFT then DPO, evaluates each, and writes the run
 * folder with its report. Flags override the --config file's run-wide keys.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { interruptible } from '../interrupt.js';
import { nonNegativeInteger } from '../option-parsers.js';
import { loadPipelineConfig } from '../pipeline/config.js';
import { type PipelineMode, runPipeline } from '../pipeline/pipeline.js';
import { formatStageTable } from '../pipeline/report/stage-table.js';
import { RUN_FILES } from '../pipeline/run-folder.js';
import { RL_STAGES, type RlStage } from '../rl/grpo-parts.js';

export interface PipelineOptions {
  config?: string;
  dataset?: 'gelab' | 'odyssey';
  episodes?: string;
  split?: string;
  preset?: 'mini' | 'gelab';
  device?: 'auto' | 'cpu' | 'webgpu';
  model?: string;
  out?: string;
  seed?: number;
  sftOnly?: boolean;
  dpoOnly?: boolean;
  from?: string;
  resume?: boolean;
  rl?: RlStage;
}

/** The flags that set config keys (they may not be combined with --resume, which keeps the run's config). */
function configOverrides(opts: PipelineOptions): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (opts.preset !== undefined) data.preset = opts.preset;
  if (opts.episodes !== undefined) data.episodes = opts.episodes;
  if (opts.split !== undefined) data.split = opts.split;
  const top: Record<string, unknown> = {};
  if (opts.dataset !== undefined) top.dataset = opts.dataset;
  if (opts.device !== undefined) top.device = opts.device;
  if (opts.model !== undefined) top.model = opts.model;
  if (opts.seed !== undefined) top.seed = opts.seed;
  // With --resume, --rl adds the RL stage to the run instead (runPipeline checks it against the run's config).
  if (opts.rl !== undefined && !opts.resume) top.rl = opts.rl;
  return Object.keys(data).length ? { ...top, data } : top;
}

function modeOf(opts: PipelineOptions): PipelineMode {
  if (opts.sftOnly && opts.dpoOnly) throw new Error('--sft-only and --dpo-only: give one or the other');
  if (opts.from !== undefined && !opts.dpoOnly)
    throw new Error('--from: only with --dpo-only (the model DPO starts from)');
  return opts.sftOnly ? 'sft-only' : opts.dpoOnly ? 'dpo-only' : 'all';
}

/** The invocation as flags, for the manifest (what to type to start the same run). */
function commandLine(opts: PipelineOptions): string[] {
  const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return [
    'pipeline',
    ...Object.entries(opts).flatMap(([key, value]) =>
      value === true
        ? [`--${kebab(key)}`]
        : value === undefined || value === false
          ? []
          : [`--${kebab(key)}`, String(value)],
    ),
  ];
}

export async function pipelineCommand(opts: PipelineOptions, argv: readonly string[]): Promise<void> {
  const mode = modeOf(opts);
  const overrides = configOverrides(opts);
  if (opts.resume && (opts.config !== undefined || Object.keys(overrides).length > 0)) {
    throw new Error(
      '--resume continues a run with its own config (manifest.json): drop --config and the config flags (only --rl may be added)',
    );
  }
  // Validated before any work, even when resuming (a bad flag fails at once).
  const config = loadPipelineConfig(opts.config, overrides);
  if (config.dataset !== 'odyssey') {
    for (const key of ['episodes', 'split'] as const) {
      if (config.data[key] !== null) {
        throw new Error(`--${key} (data.${key}): GUI-Odyssey only; add --dataset odyssey`);
      }
    }
  }
  const outcome = await interruptible((signal) =>
    runPipeline({
      config,
      mode,
      out: opts.out,
      resume: opts.resume ?? false,
      from: opts.from,
      ...(opts.rl ? { rl: opts.rl } : {}),
      argv,
      signal,
    }),
  );
  console.log(formatStageTable(outcome.table));
  console.log(
    `\nreport: ${outcome.runDir}/${RUN_FILES.reportHtml} (and ${RUN_FILES.reportMarkdown}, ${RUN_FILES.summary})`,
  );
}

export function registerPipeline(program: Command): void {
  program
    .command('pipeline')
    .description(
      'The main job: world and data (or GUI-Odyssey episodes), then SFT and DPO of a model (default: the built-in tiny VLM), optionally GRPO (--rl), each evaluated, and a report in runs/<timestamp>/',
    )
    .option(
      '--config <file>',
      'pipeline config (JSON or YAML): run-wide keys and the sections data, sft, dpo, grpo, eval',
    )
    .addOption(new Option('--dataset <name>', 'which data the run trains on').choices(['gelab', 'odyssey']))
    .option(
      '--episodes <dir>',
      'with --dataset odyssey: a GUI-Odyssey dataset root as released (annotations/, screenshots/, splits/); default: synthetic episodes',
    )
    .option(
      '--split <file|name>',
      "with --dataset odyssey: a splits file, or random | task | device | app (the root's splits/<name>_split.json; default random)",
    )
    .addOption(new Option('--preset <name>', 'world shape (default mini: 26 pages)').choices(['mini', 'gelab']))
    .addOption(new Option('--device <device>', 'where to train and evaluate').choices(['auto', 'cpu', 'webgpu']))
    .option('--model <dir>', 'a Hugging Face model folder to train instead of the built-in tiny VLM')
    .option('--out <dir>', 'the run folder (default runs/<timestamp>; with --resume / --dpo-only: the run to continue)')
    .option('--seed <n>', 'seed of the world, the data and training', nonNegativeInteger)
    .option('--sft-only', 'stop after SFT and its evaluation')
    .option('--dpo-only', "DPO only: from the run's SFT model (--out, else the newest run), or --from")
    .option('--from <dir>', 'with --dpo-only: the model (or LoRA adapter on --model) DPO starts from')
    .option('--resume', 'continue the run in --out (else the newest under runs/) from its last finished stage')
    .addOption(
      new Option(
        '--rl <kind>',
        'GE-Lab: GRPO after DPO (after SFT with --sft-only), then its evaluation: st (st_rl.json) or mt (mt_rl.json, episodes in the simulator); with --resume it adds the stage to the run',
      ).choices([...RL_STAGES]),
    )
    .action(async (opts: PipelineOptions) => {
      await pipelineCommand(opts, commandLine(opts));
    });
}
