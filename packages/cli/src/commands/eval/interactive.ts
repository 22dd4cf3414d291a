import path from 'node:path';
import {
  checkOutputApart,
  checkOutputDir,
  loadWorld,
  OBSERVATION_MODES,
  type ObservationMode,
  type World,
} from '@guinav/data-gen';
import {
  type Agent,
  AgentUnavailableError,
  checkInteractiveRunSize,
  DEFAULT_MAX_CONSECUTIVE_AGENT_ERRORS,
  HttpAgent,
  INTERACTIVE_RESULT_FILES,
  type InteractiveMetrics,
  loadInteractiveTasks,
  OracleAgent,
  RandomAgent,
  runInteractive,
  SUCCESS_VARIANTS,
  type SuccessVariant,
  writeInteractiveResults,
} from '@guinav/eval-env';
import { type Command, Option } from 'commander';
import { interruptible } from '../../interrupt.js';
import {
  boundedInteger,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from '../../option-parsers.js';
import { phaseProgress } from '../../progress.js';
import { CheckpointAgent } from '../../serving/checkpoint-agent.js';
import { isVisionModel, type LocalModel, openLocalModel } from '../../serving/local-model.js';

export const AGENT_KINDS = ['oracle', 'random', 'http', 'checkpoint'] as const;
type AgentKind = (typeof AGENT_KINDS)[number];

export interface InteractiveOptions {
  uiStructure: string;
  imagesDir?: string;
  tasks: string;
  agent: AgentKind;
  attempts: number;
  maxSteps: number;
  variant: SuccessVariant;
  observation: ObservationMode;
  concurrency: number;
  seed: number;
  out: string;
  systemPrompt?: boolean;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  temperature?: number;
  maxTokens?: number;
  timeout?: number;
  retries?: number;
  maxAgentFailures: number;
  checkpoint?: string;
  adapter?: string;
  device?: string;
}

/** Episodes (and HTTP requests) in flight: beyond this, more only adds memory and load. */
const MAX_CONCURRENCY = 256;

/** Flags that belong to one agent kind (temperature and max tokens to both model agents). */
const AGENT_FLAGS: Record<AgentKind, readonly (keyof InteractiveOptions)[]> = {
  oracle: [],
  random: [],
  http: ['baseUrl', 'model', 'apiKeyEnv', 'temperature', 'maxTokens', 'timeout', 'retries'],
  checkpoint: ['checkpoint', 'adapter', 'device', 'temperature', 'maxTokens'],
};

/** Default new tokens of the checkpoint agent: a GE-Lab answer is 20-50 tokens. */
const CHECKPOINT_MAX_TOKENS = 64;

export function registerEvalInteractive(evalCommand: Command): void {
  evalCommand
    .command('interactive')
    .description(
      'Run an agent in the GE-Lab simulator on every task; write metrics.json (Pass@k, Path@k) and episodes.jsonl',
    )
    .requiredOption('--ui-structure <file>', 'the world (ui_structure.json)')
    .option('--images-dir <dir>', 'page screenshots (not needed with --observation text)')
    .requiredOption('--tasks <file>', 'tasks_test.json: {subtree, tasks: [{source, target, pathLength}]}')
    .addOption(new Option('--agent <kind>', 'who acts').choices(AGENT_KINDS).makeOptionMandatory())
    .option('--attempts <k>', 'attempts per task (Pass@1..Pass@k)', positiveInteger, 1)
    .option('--max-steps <n>', 'steps per episode, misses included', positiveInteger, 12)
    .addOption(new Option('--variant <variant>', 'success rule').choices(SUCCESS_VARIANTS).default('with-complete'))
    .addOption(
      new Option('--observation <mode>', 'what the agent is shown').choices(OBSERVATION_MODES).default('image'),
    )
    .option(
      '--concurrency <n>',
      `episodes (and HTTP requests) in flight at once (1..${MAX_CONCURRENCY})`,
      boundedInteger(1, MAX_CONCURRENCY),
      1,
    )
    .option('--seed <n>', 'base seed for the oracle/random points and model sampling', nonNegativeInteger, 0)
    .option('--system-prompt', "prepend data-gen's system prompt (only if the model was trained with it)")
    .option('--base-url <url>', 'http agent: OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1')
    .option('--model <name>', 'http agent: served model name')
    .option('--api-key-env <var>', 'http agent: environment variable holding the API key')
    .option('--checkpoint <dir>', 'checkpoint agent: model folder (the built-in VLM, LLaVA, Llama, Qwen2, Gemma 3)')
    .option('--adapter <dir>', 'checkpoint agent: PEFT LoRA adapter folder for it')
    .option('--device <device>', 'checkpoint agent: auto, cpu or webgpu (default auto)')
    .option(
      '--temperature <t>',
      'http and checkpoint agents: sampling temperature (default 0, greedy)',
      nonNegativeNumber,
    )
    .option(
      '--max-tokens <n>',
      `http and checkpoint agents: max new tokens (default 256 http, ${CHECKPOINT_MAX_TOKENS} checkpoint)`,
      positiveInteger,
    )
    .option('--timeout <seconds>', 'http agent: per-request timeout (default 60)', positiveNumber)
    .option(
      '--retries <n>',
      'http agent: retries of a failed request, with exponential backoff (default 3)',
      nonNegativeInteger,
    )
    .option(
      '--max-agent-failures <n>',
      'stop the run after this many failed agent calls in a row (0: never stop early)',
      nonNegativeInteger,
      DEFAULT_MAX_CONSECUTIVE_AGENT_ERRORS,
    )
    .requiredOption('--out <dir>', 'output folder for metrics.json and episodes.jsonl')
    .action(async (opts: InteractiveOptions) => {
      const metrics = await evalInteractive(opts);
      console.log(formatInteractiveSummary(metrics));
    });
}

/** Checks the options, loads world and tasks, runs, writes the files. */
export async function evalInteractive(opts: InteractiveOptions): Promise<InteractiveMetrics> {
  checkOptions(opts);
  await checkOutputDir(opts.out, '--out');
  await checkOutputApart(
    {
      label: '--out',
      path: opts.out,
      files: Object.values(INTERACTIVE_RESULT_FILES).map((name) => path.join(opts.out, name)),
    },
    [
      { label: '--ui-structure', path: opts.uiStructure },
      { label: '--tasks', path: opts.tasks },
      opts.imagesDir ? { label: '--images-dir', path: opts.imagesDir } : undefined,
    ],
  );
  const world = await loadWorld(opts.uiStructure);
  const tasks = await loadInteractiveTasks(opts.tasks, world);
  checkInteractiveRunSize({ tasks: tasks.length, attempts: opts.attempts, maxSteps: opts.maxSteps });
  const local = opts.agent === 'checkpoint' ? await openCheckpoint(opts) : undefined;
  const agent = local ? new CheckpointAgent(local) : makeAgent(opts, world);
  const progress = phaseProgress('eval interactive');
  let written: { metrics: InteractiveMetrics; files: { metrics: string; episodes: string } };
  try {
    // One interruptible span for the run and the write: Ctrl-C in either leaves --out as it was.
    written = await interruptible(async (signal) => {
      const run = await runInteractive({
        world,
        tasks,
        agent,
        attempts: opts.attempts,
        maxSteps: opts.maxSteps,
        variant: opts.variant,
        observation: opts.observation,
        imagesDir: opts.imagesDir,
        concurrency: opts.concurrency,
        seed: opts.seed,
        systemPrompt: opts.systemPrompt ?? false,
        maxConsecutiveAgentErrors: opts.maxAgentFailures,
        signal,
        onProgress: ({ successes, ...event }) =>
          progress.onProgress({
            ...event,
            info: { success: event.done ? `${((100 * successes) / event.done).toFixed(1)}%` : '-' },
          }),
      });
      const files = await writeInteractiveResults(opts.out, run, {
        signal,
        label: '--out',
        onProgress: progress.onProgress,
      });
      return { metrics: run.metrics, files };
    });
  } catch (err) {
    if (err instanceof AgentUnavailableError) throw new Error(agentUnavailableMessage(err, opts));
    throw err;
  } finally {
    progress.stop();
    local?.dispose();
  }
  console.error(`wrote ${written.files.metrics} and ${written.files.episodes}`);
  return written.metrics;
}

/** Why the run stopped and what to check; nothing was written, so no 0% metrics file misleads. */
function agentUnavailableMessage(err: AgentUnavailableError, opts: InteractiveOptions): string {
  const check =
    opts.agent === 'http'
      ? `check --base-url ${opts.baseUrl}, --model ${opts.model}${opts.apiKeyEnv ? `, the key in ${opts.apiKeyEnv}` : ''} and the server`
      : opts.agent === 'checkpoint'
        ? `check --checkpoint ${opts.checkpoint} and the episodes' errors`
        : 'check the agent';
  return `${err.message}\nnothing was written to ${opts.out}; ${check} (--max-agent-failures sets how many failures in a row stop a run)`;
}

function checkOptions(opts: InteractiveOptions): void {
  if (opts.observation !== 'text' && !opts.imagesDir) {
    throw new Error(`--images-dir is required with --observation ${opts.observation} (or use --observation text)`);
  }
  if (opts.agent === 'http') {
    if (!opts.baseUrl) throw new Error('--agent http needs --base-url (e.g. http://127.0.0.1:8000/v1)');
    if (!opts.model) throw new Error('--agent http needs --model (the served model name)');
  }
  if (opts.agent === 'checkpoint') {
    if (!opts.checkpoint) throw new Error('--agent checkpoint needs --checkpoint (a model folder)');
    if (opts.observation === 'image' && !isVisionModel(opts.checkpoint, '--checkpoint')) {
      throw new Error(
        `--checkpoint ${opts.checkpoint}: a text model cannot see screenshots; use --observation text (or both)`,
      );
    }
  }
  const foreign = (Object.keys(AGENT_FLAGS) as AgentKind[])
    .flatMap((kind) => AGENT_FLAGS[kind])
    .filter((k, i, all) => all.indexOf(k) === i && opts[k] !== undefined && !AGENT_FLAGS[opts.agent].includes(k));
  if (foreign.length) {
    const flags = foreign.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ');
    const owners = (Object.keys(AGENT_FLAGS) as AgentKind[]).filter((kind) =>
      foreign.every((k) => AGENT_FLAGS[kind].includes(k)),
    );
    throw new Error(
      `${flags} ${foreign.length === 1 ? 'applies' : 'apply'} only to --agent ${owners.join(' or ') || 'http / checkpoint'} (got --agent ${opts.agent})`,
    );
  }
}

/** The checkpoint agent's model, batching up to --concurrency episodes' prompts per generation call. */
function openCheckpoint(opts: InteractiveOptions): Promise<LocalModel> {
  return openLocalModel({
    model: opts.checkpoint as string,
    adapter: opts.adapter,
    device: opts.device ?? 'auto',
    label: '--checkpoint',
    generation: { temperature: opts.temperature ?? 0, maxNewTokens: opts.maxTokens ?? CHECKPOINT_MAX_TOKENS },
    maxBatch: opts.concurrency,
    // Episodes whose answers came in one batch ask again within a few ms: wait for them.
    waitMs: opts.concurrency > 1 ? 5 : 0,
  });
}

function makeAgent(opts: InteractiveOptions, world: World): Agent {
  switch (opts.agent) {
    case 'checkpoint':
      throw new Error('the checkpoint agent is opened by openCheckpoint');
    case 'oracle':
      return new OracleAgent(world);
    case 'random':
      return new RandomAgent();
    case 'http':
      return new HttpAgent({
        baseUrl: opts.baseUrl as string,
        model: opts.model as string,
        apiKeyEnv: opts.apiKeyEnv,
        temperature: opts.temperature,
        maxTokens: opts.maxTokens,
        timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
        retries: opts.retries,
        concurrency: opts.concurrency,
      });
  }
}

/** A short table for the console: overall Pass@k and Pass@k by path length. */
export function formatInteractiveSummary(m: InteractiveMetrics): string {
  const ks = Array.from({ length: m.settings.attempts }, (_, i) => `Pass@${i + 1}` as const);
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2)).padStart(8);
  const header = `${'bucket'.padEnd(8)}${'tasks'.padStart(7)}${ks.map((k) => k.padStart(8)).join('')}`;
  const row = (name: string, b: InteractiveMetrics['overall']) =>
    `${name.padEnd(8)}${String(b.tasks).padStart(7)}${ks.map((k) => cell(b[k])).join('')}`;
  const s = m.settings;
  return [
    `agent ${s.agent}, ${s.variant}, observation ${s.observation}, max ${s.maxSteps} steps, ${m.episodes} episodes`,
    header,
    ...Object.entries(m.byPathLength).map(([name, b]) => row(name, b)),
    row('overall', m.overall),
    ...agentErrorWarning(m),
  ].join('\n');
}

/** A run whose agent never answered (server down, wrong model name) should not look like a plain 0%. */
function agentErrorWarning(m: InteractiveMetrics): string[] {
  const failed = m.stepOutcomes['agent-error'];
  if (failed === 0) return [];
  const steps = Object.values(m.stepOutcomes).reduce((a, b) => a + b, 0);
  return [
    `warning: the agent gave no answer on ${failed} of ${steps} step(s) (agent-error); episodes.jsonl has the errors`,
  ];
}
