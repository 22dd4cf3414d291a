/**
 * `guinav model info|forward|create|quantize|merge`: what a Hugging Face model folder holds, its logits
 * for given token ids (and a screenshot, for a vision-language model) to check guinav against
 * other implementations such as transformers, a fresh built-in VLM folder, and a folder rewritten
 * with bitsandbytes NF4 / int8 weights as transformers would save it, and a PEFT adapter merged
 * into its base (model-merge.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkOutputFile, writeOutputDir } from '@guinav/data-gen';
import {
  addAdapter,
  CPU_HEAP_MAX_PAGES,
  CPU_HEAP_PAGE_BYTES,
  createTinyVlm,
  type DecoderDims,
  describeModelFolder,
  isTinyVlmSize,
  type LlavaConfig,
  LlavaForConditionalGeneration,
  LlavaProcessor,
  type LoadQuantization,
  loadModel,
  type ModelFolderSummary,
  noGrad,
  parseDeviceRequest,
  type QuantizeFolderReport,
  quantizeModelFolder,
  readModelConfig,
  type Tensor,
  TINY_VLM_SIZES,
  tensor,
  writeTextFileAtomic,
} from '@guinav/trainer-core';
import { type Command, InvalidArgumentError } from 'commander';
import { initCliBackend } from '../device.js';
import { interruptible } from '../interrupt.js';
import { nonNegativeInteger, positiveInteger } from '../option-parsers.js';
import { createProgressDisplay } from '../progress.js';
import { MERGE_DTYPES, type ModelMergeOptions, modelMerge } from './model-merge.js';
import { checkNewModelFolder } from './model-output.js';

const CPU_HEAP_BYTES = CPU_HEAP_MAX_PAGES * CPU_HEAP_PAGE_BYTES;

export interface ModelInfoOptions {
  model: string;
  json?: boolean;
}

export interface ModelForwardOptions {
  model: string;
  inputIds: number[];
  out: string;
  device: string;
  /** Screenshot for a vision-language model's image token(s). */
  image?: string;
  /** A PEFT LoRA adapter folder applied on top of the model (unmerged, as PEFT runs it). */
  adapter?: string;
  /** Load the linear layers in NF4 (bitsandbytes' layout), as QLoRA does. */
  quantize?: 'nf4';
  doubleQuant?: boolean;
}

export interface ModelCreateOptions {
  out: string;
  size: string;
  seed: number;
}

export interface ModelQuantizeOptions {
  model: string;
  out: string;
  method: 'nf4' | 'int8';
  doubleQuant?: boolean;
  blocksize?: number;
  computeDtype: 'float32' | 'bfloat16' | 'float16';
  skipModules?: string[];
}

function choice<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got "${value}".`);
    }
    return value as T;
  };
}

function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((n) => n === ''))
    throw new InvalidArgumentError('expected comma-separated module names, e.g. lm_head.');
  return names;
}

/** `1,5,9` -> [1, 5, 9]: at least one id, each an integer >= 0. */
export function tokenIdList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (value.trim() === '' || parts.some((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)))) {
    throw new InvalidArgumentError('expected comma-separated token ids >= 0, e.g. 1,5,9.');
  }
  return parts.map(Number);
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

const count = (n: number) => n.toLocaleString('en-US');

const LOADS_AS = {
  f32: 'loads as f32',
  nf4: 'bitsandbytes NF4: the linear layers load in NF4, the rest as f32',
  int8: 'bitsandbytes int8: loads dequantized to f32',
};

export function formatModelInfo(s: ModelFolderSummary): string {
  const lines = [`model        ${s.dir}`, `architecture ${s.family.architecture} (model_type ${s.family.modelType})`];
  const d = s.dims;
  if (d) {
    lines.push(
      `layers       ${d.numLayers}, hidden ${d.hiddenSize}, intermediate ${d.intermediateSize}`,
      `attention    ${d.numHeads} heads, ${d.numKvHeads} kv heads, head dim ${d.headDim}`,
      `vocab        ${count(d.vocabSize)}${d.tieWordEmbeddings ? ', head tied to the embeddings' : ''}`,
    );
  }
  const v = visionOf(s);
  if (v) {
    lines.push(
      `vision       SigLIP, ${v.layers} layers, hidden ${v.hiddenSize}; ${v.imageSize}x${v.imageSize} images, ` +
        `patch ${v.patchSize}: ${v.tokensPerImage} image tokens (id ${v.imageTokenId})`,
    );
  }
  lines.push(
    `parameters   ${count(s.parameters)}`,
    `dtype        ${s.checkpointDTypes.join(', ') || '-'} in the checkpoint (${bytes(s.checkpointBytes)}); ${LOADS_AS[s.quantization ?? 'f32']}`,
    `memory       ${bytes(s.loadedBytes)} of ${s.quantization === 'nf4' ? 'NF4 and f32' : 'f32'} parameters for inference ` +
      (s.loadedBytes < CPU_HEAP_BYTES
        ? `(the CPU backend holds up to ${bytes(CPU_HEAP_BYTES)} in all)`
        : `(more than the CPU backend's ${bytes(CPU_HEAP_BYTES)} heap: use --device webgpu)`),
  );
  const t = s.tokenizer;
  if (t) {
    const special = [t.bos && `bos ${t.bos.content} (${t.bos.id})`, t.eos && `eos ${t.eos.content} (${t.eos.id})`];
    lines.push(
      `tokenizer    ${count(t.vocabSize)} tokens${special
        .filter(Boolean)
        .map((x) => `, ${x}`)
        .join('')}; ` + `chat template ${t.chatTemplates.length ? t.chatTemplates.join(', ') : 'none'}`,
    );
  } else {
    lines.push('tokenizer    none (no tokenizer.json)');
  }
  if (s.generation.eosTokenIds.length) lines.push(`stops at     ids ${s.generation.eosTokenIds.join(', ')}`);
  return lines.join('\n');
}

/** The vision tower of a LLaVA folder, as info prints it. */
function visionOf(s: ModelFolderSummary) {
  const c = s.config as Partial<LlavaConfig>;
  if (!c.vision || c.tokensPerImage === undefined || c.imageTokenIndex === undefined) return undefined;
  return {
    layers: c.vision.numLayers,
    hiddenSize: c.vision.hiddenSize,
    imageSize: c.vision.imageSize,
    patchSize: c.vision.patchSize,
    tokensPerImage: c.tokensPerImage,
    imageTokenId: c.imageTokenIndex,
  };
}

function infoJson(s: ModelFolderSummary) {
  return {
    model: s.dir,
    architecture: s.family.architecture,
    modelType: s.family.modelType,
    ...(s.dims
      ? {
          layers: s.dims.numLayers,
          hiddenSize: s.dims.hiddenSize,
          intermediateSize: s.dims.intermediateSize,
          heads: s.dims.numHeads,
          kvHeads: s.dims.numKvHeads,
          headDim: s.dims.headDim,
          vocabSize: s.dims.vocabSize,
          tiedEmbeddings: s.dims.tieWordEmbeddings,
        }
      : {}),
    ...(visionOf(s) ? { vision: visionOf(s) } : {}),
    parameters: s.parameters,
    checkpointDTypes: s.checkpointDTypes,
    checkpointBytes: s.checkpointBytes,
    loadedBytes: s.loadedBytes,
    quantization: s.quantization ?? null,
    tokenizer: s.tokenizer ?? null,
    generation: s.generation,
  };
}

export function modelInfo(opts: ModelInfoOptions): string {
  const summary = describeModelFolder(opts.model, '--model');
  return opts.json ? JSON.stringify(infoJson(summary), null, 2) : formatModelInfo(summary);
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** `--out` must not overwrite a file of an input folder (every file there is an input). */
function checkOutNotInput(out: string, inputDir: string, label = '--model', kind = 'model'): void {
  const target = path.join(realPath(path.dirname(path.resolve(out))), path.basename(out));
  const folder = realPath(inputDir);
  if (path.dirname(target) === folder && fs.existsSync(target)) {
    throw new Error(`--out ${out}: is a file of the ${kind} folder ${label} ${inputDir} (an input); write elsewhere`);
  }
}

/** Runs the model on one sequence and writes `{"logits": [[...], ...]}` (one row per position). */
export async function modelForward(opts: ModelForwardOptions): Promise<{ positions: number; vocab: number }> {
  const device = parseDeviceRequest(opts.device);
  if (opts.inputIds.length === 0) throw new Error('--input-ids: expected at least one token id');
  await checkOutputFile(opts.out, '--out');
  checkOutNotInput(opts.out, opts.model);
  if (opts.adapter) checkOutNotInput(opts.out, opts.adapter, '--adapter', 'adapter');
  // Ids are checked against the config before any weight is read.
  const { config } = readModelConfig(opts.model, '--model');
  const vocab = (config as Partial<DecoderDims>).vocabSize ?? Number.POSITIVE_INFINITY;
  const bad = opts.inputIds.findIndex((id) => id >= vocab);
  if (bad >= 0) {
    throw new Error(
      `--input-ids: id ${opts.inputIds[bad]} at position ${bad} is out of range (the model's vocab_size is ${vocab})`,
    );
  }
  const { backend, choice } = await initCliBackend(device);
  const progress = createProgressDisplay('loading');
  const quantize: LoadQuantization | undefined = opts.quantize
    ? { type: opts.quantize, doubleQuant: opts.doubleQuant ?? false }
    : undefined;
  const loaded = await loadModel(opts.model, {
    backend,
    tokenizer: false,
    label: '--model',
    quantize,
    onTensor: (done, total) => progress.update({ phase: 'loading', done, total }),
  }).finally(() => progress.stop());
  const { model } = loaded;
  try {
    if (opts.adapter) addAdapter(loaded, opts.adapter, { label: '--adapter' });
    const vocab = model.config.vocabSize;
    const input = await forwardInput(opts, model);
    const n = input.ids.length;
    const ids = tensor(input.ids, [1, n], 'i32');
    const pixelValues = input.pixels && tensor(input.pixels.data, input.pixels.shape, 'f32');
    const logits: Tensor = noGrad(() =>
      pixelValues && model instanceof LlavaForConditionalGeneration
        ? model.forward(ids, { pixelValues, hostIds: input.ids })
        : model.forward(ids),
    );
    for (const t of [ids, pixelValues]) t?.dispose();
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    const rows: string[] = [];
    for (let t = 0; t < n; t++) {
      rows.push(`[${Array.from(data.subarray(t * vocab, (t + 1) * vocab)).join(', ')}]`);
    }
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    await writeTextFileAtomic(opts.out, `{"logits": [\n${rows.join(',\n')}\n]}\n`);
    console.error(
      `wrote ${opts.out}: logits [${n}, ${vocab}] from ${loaded.family.architecture} on ${choice.device}` +
        (input.expanded
          ? ` (the image token expanded to ${input.expanded} image tokens, as transformers' processor does)`
          : ''),
    );
    return { positions: n, vocab };
  } finally {
    model.dispose();
  }
}

/** Writes the quantized folder into `--out` (new or empty), atomically: all of it or nothing. */
export async function modelQuantize(opts: ModelQuantizeOptions): Promise<string> {
  await checkNewModelFolder(opts.out, [{ label: '--model', path: opts.model }]);
  if (opts.method === 'int8' && (opts.doubleQuant || opts.blocksize !== undefined)) {
    throw new Error('--double-quant and --blocksize apply to --method nf4, not int8');
  }
  const progress = createProgressDisplay('quantize');
  let report: QuantizeFolderReport | undefined;
  try {
    await interruptible((signal) =>
      writeOutputDir(
        opts.out,
        async (staging) => {
          report = await quantizeModelFolder(opts.model, staging, {
            method: opts.method,
            doubleQuant: opts.doubleQuant,
            blocksize: opts.blocksize,
            computeDType: opts.computeDtype,
            skipModules: opts.skipModules,
            signal,
            label: '--model',
            onTensor: (done, total) => progress.update({ phase: 'quantize', done, total }),
          });
        },
        { signal, label: '--out' },
      ),
    );
  } finally {
    progress.stop();
  }
  const kind = opts.method === 'int8' ? 'LLM.int8()' : `NF4${opts.doubleQuant ? ' with double quantization' : ''}`;
  return `wrote ${opts.out}: ${report!.quantized.length} linear weights in ${kind}, ${report!.copied} tensors copied (${report!.files.join(', ')})`;
}

/**
 * The ids (and pixels) a forward pass runs on. For a LLaVA model with --image, the image token
 * stands where the image goes: once (expanded here to the tower's patch count, as transformers'
 * processor does) or already expanded.
 */
async function forwardInput(opts: ModelForwardOptions, model: { config: unknown }) {
  const ids = Int32Array.from(opts.inputIds);
  if (!(model instanceof LlavaForConditionalGeneration)) {
    if (opts.image) throw new Error(`--image: ${opts.model} is not a vision-language model`);
    return { ids };
  }
  const processor = LlavaProcessor.fromFolder(opts.model);
  const image = processor.imageTokenId;
  const per = processor.tokensPerImage;
  const found = opts.inputIds.filter((id) => id === image).length;
  if (!opts.image) {
    if (found > 0) throw new Error(`--input-ids: holds the image token ${image}; pass the screenshot with --image`);
    return { ids };
  }
  if (found !== 1 && found !== per) {
    throw new Error(
      `--input-ids: expected the image token ${image} once (or ${per} times, already expanded) for --image, found it ${found} times`,
    );
  }
  const expandedIds =
    found === 1
      ? opts.inputIds.flatMap((id) => (id === image ? new Array<number>(per).fill(id) : [id]))
      : opts.inputIds;
  const pixels = await processor.images.loadBatch([opts.image]);
  return { ids: Int32Array.from(expandedIds), pixels, expanded: found === 1 ? per : undefined };
}

/** `guinav model create`: a new built-in VLM folder with seeded random weights. */
export async function modelCreate(opts: ModelCreateOptions): Promise<string> {
  if (!isTinyVlmSize(opts.size)) {
    throw new Error(`--size: expected one of ${Object.keys(TINY_VLM_SIZES).join(', ')}, got "${opts.size}"`);
  }
  const { dir, model } = await createTinyVlm({ dir: opts.out, size: opts.size, seed: opts.seed });
  const parameters = model.numParameters();
  model.dispose();
  const { image } = TINY_VLM_SIZES[opts.size];
  const tokens = (image.size / image.patch) ** 2;
  return (
    `wrote ${dir}: the ${opts.size} VLM (LLaVA: SigLIP + Llama), ${count(parameters)} parameters, seed ${opts.seed}; ` +
    `${image.size}x${image.size} screenshots as ${tokens} image tokens`
  );
}

export function registerModel(program: Command): void {
  const model = program
    .command('model')
    .description(
      'Inspect Hugging Face model folders (llama, qwen2, gemma3_text, llava), check their logits, create the built-in VLM, ' +
        'quantize a model, merge a LoRA adapter',
    );

  model
    .command('info')
    .description('Architecture, sizes, parameters, dtype, memory and tokenizer of a model folder (reads no weights)')
    .requiredOption('--model <dir>', 'a local model folder (config.json, *.safetensors, tokenizer.json)')
    .option('--json', 'print the summary as JSON')
    .action((opts: ModelInfoOptions) => {
      console.log(modelInfo(opts));
    });

  model
    .command('forward')
    .description('Run the model on token ids and write its logits as JSON: {"logits": [[...], ...]}, one row per id')
    .requiredOption('--model <dir>', 'a local model folder (config.json, *.safetensors)')
    .requiredOption('--input-ids <ids>', 'comma-separated token ids, e.g. 1,5,9', tokenIdList)
    .requiredOption('--out <file>', 'where to write the logits JSON (f32 values)')
    .option('--image <file>', 'screenshot for a vision-language model (the ids hold its image token where it goes)')
    .option('--adapter <dir>', 'a PEFT LoRA adapter folder to run on top of the model')
    .option('--device <device>', 'auto, cpu or webgpu', 'cpu')
    .option(
      '--quantize <type>',
      'load the linear layers quantized: nf4 (bitsandbytes layout)',
      choice(['nf4'] as const),
    )
    .option('--double-quant', 'with --quantize nf4: quantize the absmax values too')
    .action(async (opts: ModelForwardOptions) => {
      await modelForward(opts);
    });

  model
    .command('quantize')
    .description(
      'Write the model with its linear layers quantized as bitsandbytes / transformers save them ' +
        '(NF4 or LLM.int8(); embeddings, norms and the head stay as they are)',
    )
    .requiredOption('--model <dir>', 'a local model folder (config.json, *.safetensors)')
    .requiredOption('--out <dir>', 'a new or empty folder for the quantized model')
    .option('--method <method>', 'nf4 or int8', choice(['nf4', 'int8'] as const), 'nf4')
    .option('--double-quant', 'nf4: quantize the absmax values too (bnb_4bit_use_double_quant, QLoRA)')
    .option('--blocksize <n>', 'nf4: elements per absmax block (32 ... 4096, default 64)', positiveInteger)
    .option(
      '--compute-dtype <dtype>',
      'bnb_4bit_compute_dtype written to config.json',
      choice(['float32', 'bfloat16', 'float16'] as const),
      'float32',
    )
    .option('--skip-modules <names>', 'comma-separated modules kept in full precision (default lm_head)', nameList)
    .action(async (opts: ModelQuantizeOptions) => {
      console.error(await modelQuantize(opts));
    });

  model
    .command('merge')
    .description(
      'Merge a PEFT LoRA adapter into its base model and write the merged model folder ' +
        "(as PEFT's merge_and_unload + save_pretrained; tokenizer, chat template and processor files included)",
    )
    .requiredOption('--base <dir>', 'the base model folder the adapter was trained on (not quantized)')
    .requiredOption('--adapter <dir>', 'the PEFT adapter folder (adapter_config.json, adapter_model.safetensors)')
    .requiredOption('--out <dir>', 'a new or empty folder for the merged model')
    .option('--dtype <dtype>', `${MERGE_DTYPES.join(', ')} (auto: the base's dtype)`, choice(MERGE_DTYPES), 'auto')
    .option('--device <device>', 'auto, cpu or webgpu', 'cpu')
    .action(async (opts: ModelMergeOptions) => {
      console.error(await modelMerge(opts));
    });

  model
    .command('create')
    .description(
      'Write a new built-in VLM (LLaVA layout: SigLIP, projector, Llama; GE-Lab tokenizer) with random weights',
    )
    .requiredOption('--out <dir>', 'the model folder to write (must not exist or be empty)')
    .option('--size <size>', `${Object.keys(TINY_VLM_SIZES).join(' or ')}`, 'tiny')
    .option('--seed <n>', 'seed of the initial weights', nonNegativeInteger, 0)
    .action(async (opts: ModelCreateOptions) => {
      console.log(await modelCreate(opts));
    });
}
