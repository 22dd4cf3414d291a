/**
 * A local checkpoint as the CLI serves it (predict, the checkpoint agent, serve): the model
 * folder (LLaVA or a text decoder) and an optional PEFT adapter loaded on the chosen device, and
 * the rule that turns a GE-Lab / ms-swift prompt (`<image>` placeholders in the text, one image
 * each) into what the model can take.
 */
import { hasGelabTextView, IMAGE_TOKEN } from '@guinav/data-gen';

/** A chat turn with text content, as the datasets and the simulator write them. */
export interface TextTurn {
  role: string;
  content: string;
}

import {
  type Backend,
  type ChatGenerationOptions,
  type ChatPrompt,
  type LoadedChat,
  loadChat,
  parseDeviceRequest,
  readModelConfig,
} from '@guinav/trainer-core';
import { initCliBackend } from '../device.js';
import { phaseProgress } from '../progress.js';

export interface LocalModelOptions {
  model: string;
  adapter?: string;
  /** `auto`, `cpu` or `webgpu`. */
  device: string;
  /** A backend already initialised (the pipeline's), instead of one for `device`. */
  backend?: Backend;
  /** Defaults of every call (greedy unless a temperature is set). */
  generation?: ChatGenerationOptions;
  /** Largest generation batch. */
  maxBatch?: number;
  /** How long a batch waits for more calls, in ms. */
  waitMs?: number;
  /** The flag naming the model folder in errors (default `--model`). */
  label?: string;
}

export interface LocalModel {
  /** The folder's name as served and shown, e.g. `tiny-vlm` (plus `+adapter` with one). */
  name: string;
  /** A vision-language model (sees screenshots) or a text model (sees the text view only). */
  vision: boolean;
  modelType: string;
  chat: LoadedChat['chat'];
  /** The chat prompt for GE-Lab / ms-swift messages and their images; throws what the model cannot take. */
  prompt(messages: readonly TextTurn[], images: readonly string[]): ChatPrompt;
  dispose(): void;
}

/** Whether the folder holds a vision-language model, from config.json alone (no weights read). */
export function isVisionModel(dir: string, label = '--model'): boolean {
  return readModelConfig(dir, label).family.modelType === 'llava';
}

export async function openLocalModel(options: LocalModelOptions): Promise<LocalModel> {
  const label = options.label ?? '--model';
  const { family } = readModelConfig(options.model, label);
  const { backend, choice } = options.backend
    ? { backend: options.backend, choice: { device: options.backend.name } }
    : await initCliBackend(parseDeviceRequest(options.device));
  const progress = phaseProgress(`load ${options.model}`);
  let loaded: LoadedChat;
  try {
    loaded = await loadChat(options.model, {
      backend,
      label,
      adapter: options.adapter,
      adapterLabel: '--adapter',
      generation: options.generation,
      maxBatch: options.maxBatch,
      waitMs: options.waitMs,
      onTensor: (done, total) => progress.onProgress({ phase: 'weights', done, total }),
    });
  } finally {
    progress.stop();
  }
  const { chat, vision } = loaded;
  console.error(
    `loaded ${options.model} (${family.modelType}${options.adapter ? ` + adapter ${options.adapter}` : ''}) on ${choice.device}`,
  );
  const base =
    options.model
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .at(-1) ?? options.model;
  return {
    name: options.adapter
      ? `${base}+${options.adapter
          .replace(/[\\/]+$/, '')
          .split(/[\\/]/)
          .at(-1)}`
      : base,
    vision,
    modelType: family.modelType,
    chat,
    prompt: (messages, images) => chatPrompt(vision, family.modelType, messages, images),
    dispose: () => chat.dispose(),
  };
}

/**
 * A vision model gets the images, with `<image>` put before the first user turn's text when the
 * prompt names none (GUI-Odyssey's official prompt writes `<img>path</img>` instead), as
 * `guinav infer` does. A text model gets no image: a prompt that shows the screen as text (the
 * `text` / `both` observations) is sent without its `<image>` placeholders, any other is refused.
 */
export function chatPrompt(
  vision: boolean,
  modelType: string,
  messages: readonly TextTurn[],
  images: readonly string[],
): ChatPrompt {
  const placeholders = messages.reduce((n, m) => n + m.content.split(IMAGE_TOKEN).length - 1, 0);
  const turns = (content: (m: TextTurn, i: number) => string) =>
    messages.map((m, i) => ({ role: m.role, content: content(m, i) }));
  if (vision) {
    if (placeholders > 0 || images.length === 0) return { messages: turns((m) => m.content), images };
    const first = messages.findIndex((m) => m.role === 'user');
    return { messages: turns((m, i) => (i === first ? `${IMAGE_TOKEN}${m.content}` : m.content)), images };
  }
  if (images.length === 0 && placeholders === 0) return { messages: turns((m) => m.content), images: [] };
  if (!messages.some((m) => hasGelabTextView(m.content))) {
    throw new Error(
      `a text model (${modelType}) cannot see the screenshot, and this prompt shows the screen only as an image; ` +
        'use a vision-language model, or prompts with the text observation (--observation text or both)',
    );
  }
  return { messages: turns((m) => m.content.split(IMAGE_TOKEN).join('')), images: [] };
}
