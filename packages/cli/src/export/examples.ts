/**
 * What `guinav export` reads: the SFT and preference examples of a `guinav data gelab` folder
 * (sft.json, dpo.jsonl) or of a preference file (`guinav data odyssey-dpo`, or a GE-Lab
 * dpo.jsonl: the SFT set is then every distinct prompt with its chosen answer), with every
 * image path resolved to an absolute one and checked.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GELAB_OUTPUT_FILES, IMAGE_TOKEN } from '@guinav/data-gen';
import { readRecords } from '@guinav/eval-env';
import { z } from 'zod';
import { checkImages, MessagesRecord, PairRecord, resolveImage } from '../datasets/records.js';

export interface Turn {
  role: 'system' | 'user' | 'assistant';
  /** Text with `<image>` where each image goes (ms-swift's convention). */
  content: string;
}

export interface SftExample {
  prompt: Turn[];
  answer: string;
  /** Absolute paths, one per `<image>`. */
  images: string[];
}

export interface PreferenceExample {
  prompt: Turn[];
  chosen: string;
  rejected: string;
  images: string[];
}

export interface ExportExamples {
  sft: SftExample[];
  dpo: PreferenceExample[];
  /** What was read, for the console and the README. */
  description: string;
  /** Some example shows an image (a vision-language model is needed). */
  vision: boolean;
}

const Pair = PairRecord.extend({ rejected: z.string() });

export async function readExportExamples(data: string): Promise<ExportExamples> {
  let isDir: boolean;
  try {
    isDir = (await stat(data)).isDirectory();
  } catch (err) {
    throw new Error(`--data ${data}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const examples = isDir ? await fromGelabFolder(data) : await fromPairsFile(data);
  const images = [...examples.sft, ...examples.dpo].some((e) => e.images.length > 0);
  return { ...examples, vision: images };
}

async function fromGelabFolder(dir: string): Promise<Omit<ExportExamples, 'vision'>> {
  const sftFile = path.join(dir, GELAB_OUTPUT_FILES.sft);
  const dpoFile = path.join(dir, GELAB_OUTPUT_FILES.dpo);
  if (!existsSync(sftFile)) {
    throw new Error(
      `--data ${dir}: no ${GELAB_OUTPUT_FILES.sft}; expected the folder guinav data gelab wrote, or a preference JSONL file`,
    );
  }
  const sft = await readSft(sftFile);
  const dpo = existsSync(dpoFile) ? await readPairs(dpoFile) : [];
  return {
    sft,
    dpo,
    description: `${GELAB_OUTPUT_FILES.sft} (${sft.length} examples)${dpo.length ? ` and ${GELAB_OUTPUT_FILES.dpo} (${dpo.length} pairs)` : ', no dpo.jsonl (data gelab --dpo writes it)'}`,
  };
}

async function fromPairsFile(file: string): Promise<Omit<ExportExamples, 'vision'>> {
  const dpo = await readPairs(file);
  const seen = new Set<string>();
  const sft: SftExample[] = [];
  for (const p of dpo) {
    const key = JSON.stringify([p.prompt, p.images, p.chosen]);
    if (seen.has(key)) continue;
    seen.add(key);
    sft.push({ prompt: p.prompt, answer: p.chosen, images: p.images });
  }
  return {
    sft,
    dpo,
    description: `${path.basename(file)} (${dpo.length} pairs; SFT on the ${sft.length} distinct prompts with their chosen answer)`,
  };
}

async function readSft(file: string): Promise<SftExample[]> {
  const records = await readRecords(file, () => MessagesRecord, undefined, 'dataset');
  const dir = path.dirname(path.resolve(file));
  const examples = records.map(({ value, where }) => {
    const images = value.images.map((p) => resolveImage(p, dir));
    checkPlaceholders(file, where, value.messages, images);
    return {
      prompt: value.messages.slice(0, -1).map((m) => ({ role: m.role, content: m.content })),
      answer: value.messages.at(-1)!.content,
      images,
    };
  });
  await checkImages(file, usesOf(examples, records));
  return examples;
}

async function readPairs(file: string): Promise<PreferenceExample[]> {
  const records = await readRecords(file, () => Pair, undefined, 'dataset');
  const dir = path.dirname(path.resolve(file));
  const examples = records.map(({ value, where }) => {
    const images = value.images.map((p) => resolveImage(p, dir));
    const prompt: Turn[] = [{ role: 'user', content: value.prompt }];
    // A prompt without the placeholder (GUI-Odyssey's official format names the image in <img>) gets it first.
    const placed =
      images.length > 0 && !value.prompt.includes(IMAGE_TOKEN)
        ? [{ role: 'user' as const, content: `${IMAGE_TOKEN}${value.prompt}` }]
        : prompt;
    checkPlaceholders(file, where, placed, images);
    return { prompt: placed, chosen: value.chosen, rejected: value.rejected, images };
  });
  await checkImages(file, usesOf(examples, records));
  return examples;
}

function usesOf(examples: readonly { images: string[] }[], records: readonly { where: string }[]) {
  return examples.flatMap((e, i) => e.images.map((image) => ({ image, where: records[i]!.where })));
}

/** ms-swift and TRL pair the i-th `<image>` with the i-th image: the counts must agree. */
function checkPlaceholders(file: string, where: string, turns: readonly Turn[], images: readonly string[]): void {
  const placeholders = turns.reduce((n, t) => n + t.content.split(IMAGE_TOKEN).length - 1, 0);
  if (placeholders !== images.length) {
    throw new Error(
      `${file}: ${where}: ${placeholders} ${IMAGE_TOKEN} placeholder(s) but ${images.length} image(s); each image needs one`,
    );
  }
}
