/**
 * Autoregressive generation for a batch of prompts of different lengths: prompts are padded on
 * the left (attention mask 0, positions counting from each row's first real token), the prompt
 * is run once and its keys/values kept in a KV cache, then each step feeds only the newest token
 * of every row. A row stops at an end-of-sequence token, at a stop string or after
 * `maxNewTokens`; the batch stops when every row has. Token choice is greedy or seeded sampling
 * (temperature, top-k, top-p), each row with its own generator so a row's result does not depend
 * on what else is in the batch. A request may carry its own sampling settings, token limit and
 * stop strings (a server batching requests that ask for different ones).
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { CausalLM } from '../models/causal-lm.js';
import { tensor } from '../ops/create.js';
import { contiguous, narrow } from '../ops/shape-ops.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { KvCache } from './kv-cache.js';
import { checkSamplingOptions, chooseToken, type SamplingOptions } from './sampling.js';

/** What stop strings and text output need from a tokenizer. */
export interface GenerationTokenizer {
  decode(ids: readonly number[]): string;
}

export interface GenerationRequest {
  /** Prompt token ids (image placeholders already expanded). */
  ids: readonly number[];
  /** The prompt's images [n, C, H, W], for a vision-language model. */
  pixelValues?: { data: Float32Array; shape: readonly number[] };
  /** Seed of this row's sampling generator (default: the options' seed). */
  seed?: number;
  /** This row's own settings, over the call's options. */
  options?: RowGenerationOptions;
}

export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate at most per row (default 64). */
  maxNewTokens?: number;
  /** Tokens that end a row (kept as its last token, left out of its text). */
  eosTokenIds?: readonly number[];
  /** Ends a row once its text contains one (the text is cut before it). Needs `tokenizer`. */
  stopStrings?: readonly string[];
  /** Decodes generated tokens into `text` (and finds stop strings). */
  tokenizer?: GenerationTokenizer;
  /** Token fed for left padding (default 0; masked out, so any id works). */
  padTokenId?: number;
  /** Never generated (e.g. the image placeholder). */
  suppressTokenIds?: readonly number[];
  /** Sampling seed of rows without their own (default 0). */
  seed?: number;
  /** false: recompute the whole sequence every step instead of caching keys and values. */
  useCache?: boolean;
}

/** What one request may set for itself. */
export type RowGenerationOptions = Pick<
  GenerateOptions,
  'temperature' | 'topK' | 'topP' | 'maxNewTokens' | 'stopStrings'
>;

export type FinishReason = 'eos' | 'stop' | 'length';

export interface GenerationResult {
  /** Generated ids (an end token included). */
  tokens: number[];
  /** Decoded generated text without the end token, cut at the stop string (with a tokenizer). */
  text?: string;
  finishReason: FinishReason;
}

interface Row {
  prompt: readonly number[];
  pad: number;
  tokens: number[];
  done?: FinishReason;
  text?: string;
  rng: TrainingRng;
  /** The call's options with the request's own over them. */
  options: GenerateOptions;
  maxNew: number;
}

/** Checks one row's settings; returns its token limit. */
function checkOptions(o: GenerateOptions): number {
  checkSamplingOptions(o);
  const max = o.maxNewTokens ?? 64;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxNewTokens must be an integer >= 1, got ${max}`);
  if (o.stopStrings?.length && !o.tokenizer) throw new Error('generate: stop strings need a tokenizer');
  if (o.stopStrings?.some((s) => s.length === 0)) throw new RangeError('generate: a stop string cannot be empty');
  return max;
}

function checkPrompts(requests: readonly GenerationRequest[], vocab: number): void {
  requests.forEach((r, i) => {
    if (r.ids.length === 0) throw new RangeError(`generate: prompt ${i} has no tokens`);
    const bad = r.ids.find((id) => !Number.isInteger(id) || id < 0 || id >= vocab);
    if (bad !== undefined) throw new RangeError(`generate: prompt ${i} has token id ${bad}, outside [0, ${vocab})`);
  });
}

/** Stacks every row's images in row order (the order image tokens appear in the batch). */
function stackImages(requests: readonly GenerationRequest[]): Tensor | undefined {
  const withImages = requests.filter((r) => r.pixelValues);
  if (withImages.length === 0) return undefined;
  const [, ...rest] = withImages[0]!.pixelValues!.shape;
  let count = 0;
  for (const r of withImages) {
    const [n, ...dims] = r.pixelValues!.shape;
    if (dims.join() !== rest.join()) throw new RangeError('generate: images of different sizes in one batch');
    count += n!;
  }
  const plane = rest.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count * plane);
  let at = 0;
  for (const r of withImages) {
    data.set(r.pixelValues!.data, at);
    at += r.pixelValues!.data.length;
  }
  return tensor(data, [count, ...rest], 'f32');
}

export async function generate(
  model: CausalLM,
  requests: readonly GenerationRequest[],
  options: GenerateOptions = {},
): Promise<GenerationResult[]> {
  if (requests.length === 0) return [];
  const vocab = model.config.vocabSize;
  checkOptions(options);
  checkPrompts(requests, vocab);
  const b = requests.length;
  const promptLength = Math.max(...requests.map((r) => r.ids.length));
  const rows: Row[] = requests.map((r) => {
    const own = r.options ? { ...options, ...definedOnly(r.options) } : options;
    return {
      prompt: r.ids,
      pad: promptLength - r.ids.length,
      tokens: [],
      rng: new TrainingRng(r.seed ?? options.seed ?? 0),
      options: own,
      maxNew: r.options ? checkOptions(own) : (options.maxNewTokens ?? 64),
    };
  });
  const maxNew = Math.max(...rows.map((row) => row.maxNew));
  const eos = new Set(options.eosTokenIds ?? []);
  const suppressed = options.suppressTokenIds ?? [];
  const padId = options.padTokenId ?? 0;
  const useCache = options.useCache ?? true;
  const cache = useCache ? new KvCache() : undefined;
  const pixels = stackImages(requests);

  /** ids, mask and positions of every row's first `length` tokens (prompt then generated). */
  const layout = (length: number, from: number) => {
    const t = length - from;
    const ids = new Int32Array(b * t);
    const mask = new Int32Array(b * length);
    const positions = new Int32Array(b * t);
    rows.forEach((row, r) => {
      for (let j = 0; j < length; j++) {
        const real = j >= row.pad;
        mask[r * length + j] = real ? 1 : 0;
        if (j < from) continue;
        const k = j - row.pad;
        // A finished row keeps a slot (padding) until the whole batch is done.
        ids[r * t + j - from] = !real
          ? padId
          : k < row.prompt.length
            ? row.prompt[k]!
            : (row.tokens[k - row.prompt.length] ?? padId);
        positions[r * t + j - from] = real ? k : 0;
      }
    });
    return { ids, mask, positions, t };
  };

  /** Logits of each row's last position, after running positions [from, length). */
  const step = async (length: number, from: number, withImages: boolean): Promise<Float32Array> => {
    const { ids, mask, positions, t } = layout(length, from);
    const last = noGrad(() =>
      tidy(() => {
        const logits = model.forward(tensor(ids, [b, t], 'i32'), {
          attentionMask: tensor(mask, [b, length], 'i32'),
          positions: tensor(positions, [b, t], 'i32'),
          kvCache: cache,
          ...(withImages && pixels ? { pixelValues: pixels, hostIds: ids } : {}),
        });
        return contiguous(narrow(logits, 1, t - 1, 1));
      }),
    );
    try {
      return (await last.data()) as Float32Array;
    } finally {
      last.dispose();
    }
  };

  try {
    let length = promptLength;
    let logits = await step(length, 0, true);
    for (let n = 0; n < maxNew; n++) {
      rows.forEach((row, r) => {
        if (row.done) return;
        const scores = logits.subarray(r * vocab, (r + 1) * vocab);
        for (const id of suppressed) scores[id] = -Infinity;
        const token = chooseToken(scores, row.options, row.rng);
        row.tokens.push(token);
        row.done = finishOf(row, token, eos, n + 1 === row.maxNew);
      });
      if (rows.every((row) => row.done)) break;
      length++;
      logits = useCache ? await step(length, length - 1, false) : await step(length, 0, true);
    }
  } finally {
    cache?.dispose();
    pixels?.dispose();
  }
  return rows.map((row) => ({
    tokens: row.tokens,
    ...(options.tokenizer ? { text: row.text ?? textOf(row, eos, options.tokenizer) } : {}),
    finishReason: row.done ?? 'length',
  }));
}

function textOf(row: Row, eos: ReadonlySet<number>, tokenizer: GenerationTokenizer): string {
  const ids = row.tokens.length && eos.has(row.tokens.at(-1)!) ? row.tokens.slice(0, -1) : row.tokens;
  return tokenizer.decode(ids);
}

/** The keys of `o` whose value is not undefined (so a request's `temperature: undefined` keeps the call's). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function finishOf(row: Row, token: number, eos: ReadonlySet<number>, last: boolean): FinishReason | undefined {
  const { options } = row;
  if (eos.has(token)) return 'eos';
  if (options.stopStrings?.length && options.tokenizer) {
    const text = options.tokenizer.decode(row.tokens);
    let cut = -1;
    for (const s of options.stopStrings) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      row.text = text.slice(0, cut);
      return 'stop';
    }
  }
  return last ? 'length' : undefined;
}
