/**
 * `guinav predict`: a model's answers to every prompt of a dataset, batched, written as the
 * predictions file `guinav eval static` scores (the format follows the data).
 */
import {
  checkOutputApart,
  checkOutputFile,
  jsonLinesChunks,
  ODYSSEY_PROMPT_FORMATS,
  writeOutputFile,
} from '@guinav/data-gen';
import { type Command, Option } from 'commander';
import { interruptible } from '../interrupt.js';
import {
  boundedInteger,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from '../option-parsers.js';
import { predictItems } from '../predict/run.js';
import { type PredictionFormat, readPredictionSource, type SourceOptions, sourceInputs } from '../predict/sources.js';
import { phaseProgress } from '../progress.js';
import { openLocalModel } from '../serving/local-model.js';

export interface PredictOptions extends SourceOptions {
  model: string;
  adapter?: string;
  out: string;
  device: string;
  batchSize: number;
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
}

/** Rows of one generation call at most: beyond this the CPU gains nothing and memory grows. */
export const MAX_BATCH = 256;

export interface PredictSummary {
  format: PredictionFormat;
  records: number;
  out: string;
  tokensPerSecond: number;
  seconds: number;
}

export async function runPredict(opts: PredictOptions): Promise<PredictSummary> {
  if (opts.topP !== undefined && opts.topP > 1)
    throw new Error(`--top-p: expected a number in (0, 1], got ${opts.topP}`);
  await checkOutputFile(opts.out, '--out');
  await checkOutputApart({ label: '--out', path: opts.out, files: [opts.out] }, [
    ...sourceInputs(opts),
    { label: '--model', path: opts.model },
    opts.adapter ? { label: '--adapter', path: opts.adapter } : undefined,
  ]);
  const source = await readPredictionSource(opts);
  console.error(`${source.items.length} prompts: ${source.description} (predictions for --format ${source.format})`);
  const model = await openLocalModel({
    model: opts.model,
    adapter: opts.adapter,
    device: opts.device,
    generation: { maxNewTokens: opts.maxNewTokens, temperature: opts.temperature, topK: opts.topK, topP: opts.topP },
    maxBatch: opts.batchSize,
  });
  const progress = phaseProgress('predict');
  try {
    const run = await interruptible(async (signal) => {
      const result = await predictItems(model, source.items, {
        batchSize: opts.batchSize,
        greedy: !opts.temperature,
        seed: opts.seed,
        signal,
        onProgress: progress.onProgress,
      });
      const records = source.items.map((item, i) => item.record(result.preds[i]!));
      await writeOutputFile(opts.out, jsonLinesChunks(records), { signal, label: '--out' });
      return result;
    });
    return {
      format: source.format,
      records: source.items.length,
      out: opts.out,
      tokensPerSecond: run.seconds > 0 ? run.tokens / run.seconds : 0,
      seconds: run.seconds,
    };
  } finally {
    progress.stop();
    model.dispose();
  }
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("Run a model over a dataset's prompts and write the predictions file `guinav eval static` scores")
    .requiredOption('--model <dir>', 'model folder: the built-in VLM (LLaVA) or a Llama / Qwen2 / Gemma 3 text model')
    .option('--adapter <dir>', 'PEFT LoRA adapter folder for the model')
    .requiredOption(
      '--data <path>',
      'GE-Lab test.json / sft.json / st_rl.json, GUI-Odyssey preference records (JSONL), or a GUI-Odyssey dataset folder',
    )
    .requiredOption('--out <file>', 'predictions file (JSONL), written atomically')
    .option('--device <device>', 'auto, cpu or webgpu', 'auto')
    .option('--batch-size <n>', `prompts per generation call (1..${MAX_BATCH})`, boundedInteger(1, MAX_BATCH), 16)
    .option('--max-new-tokens <n>', 'tokens to generate at most per answer', positiveInteger, 64)
    .option('--temperature <t>', 'sampling temperature; 0 = greedy (GE-Lab evaluates greedily)', nonNegativeNumber, 0)
    .option('--top-k <k>', 'sample from the k most likely tokens', nonNegativeInteger)
    .option('--top-p <p>', 'sample from the most likely tokens covering this probability', positiveNumber)
    .option('--seed <n>', 'sampling seed (record i uses seed + i)', nonNegativeInteger, 0)
    .option('--split <file>', 'GUI-Odyssey folder: splits file ({"train": [...], "test": [...]})')
    .option('--subset <name>', 'GUI-Odyssey folder: the split subset to predict (default test)')
    .addOption(
      new Option('--prompt-format <format>', 'GUI-Odyssey folder: prompt format (default seed)').choices(
        ODYSSEY_PROMPT_FORMATS,
      ),
    )
    .option('--screenshots <dir>', 'GUI-Odyssey folder: where <episode>_<step>.png are (default screenshots/)')
    .action(async (opts: PredictOptions) => {
      const s = await runPredict(opts);
      console.log(
        `wrote ${s.records} predictions to ${s.out} in ${s.seconds.toFixed(1)} s (${s.tokensPerSecond.toFixed(0)} new tokens/s)\n` +
          `score them: guinav eval static --format ${s.format} --predictions ${s.out} --out scores.json`,
      );
    });
}
