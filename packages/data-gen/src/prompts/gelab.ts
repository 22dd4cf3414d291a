import type { NormBbox, Point } from '../actions/coords.js';
import { type ChatMessage, IMAGE_TOKEN, type ObservationMode } from './chat.js';

/**
 * GE-Lab's prompts. Datasets, the simulator, inference and the HTTP agent all build their
 * prompts here and nowhere else: a published reproduction lost ~45 points of interactive
 * success because evaluation wrote the history differently from training.
 */

/** One earlier click: the icon's name (underscore form, or back/home) and the page it was clicked on. */
export interface HistoryStep {
  icon: string;
  page: string;
}

export function gelabInstruction(source: string, target: string): string {
  return `Instruction: from ${source} to ${target}.`;
}

/**
 * How a history is written. `dataset`: each step ends with a period (`step1: click A icon on
 * page_3.step2: click B icon on page_9.`), as the published datasets write it. `rollout`: steps
 * joined with a period and none after the last (`step1: click A icon on page_3.step2: click B icon
 * on page_9`), as GE-Lab's multi-turn RL rollout code (`swift/plugin/multi_turn.py`) builds it.
 */
export type HistoryStyle = 'dataset' | 'rollout';

/** `Null` before the first step; afterwards the steps in the given style (default `dataset`). */
export function gelabHistory(steps: readonly HistoryStep[], style: HistoryStyle = 'dataset'): string {
  if (steps.length === 0) return 'Null';
  const written = steps.map((s, i) => `step${i + 1}: click ${s.icon} icon on ${s.page}`);
  return style === 'dataset' ? written.map((s) => `${s}.`).join('') : written.join('.');
}

/** An element of the text view: an icon (or back/home) and its box on the 0..1000 scale. */
export interface ScreenElement {
  name: string;
  bbox: NormBbox;
}

const TEXT_VIEW_ELEMENTS = 'Elements (name [x1,y1,x2,y2], 0-1000 scale):';

/** The screen as text, for models that do not see the screenshot. Elements in the order given. */
export function gelabTextView(page: string, elements: readonly ScreenElement[]): string {
  const lines = elements.map((e) => `${e.name} [${e.bbox.join(',')}]`);
  return [`Screen: ${page}`, TEXT_VIEW_ELEMENTS, ...lines].join('\n');
}

/** True when a prompt shows the screen as text (observation `text` or `both`), so a text model can act on it. */
export function hasGelabTextView(prompt: string): boolean {
  const at = prompt.indexOf(`\n${TEXT_VIEW_ELEMENTS}`);
  return at >= 0 && /Screen: \S+$/.test(prompt.slice(0, at));
}

export interface GelabPromptInput {
  source: string;
  target: string;
  history: readonly HistoryStep[];
  /** Default `dataset`. */
  historyStyle?: HistoryStyle;
  /** Default `image`: the published format. */
  mode?: ObservationMode;
  /** The current page and its elements; required for `text` and `both`. */
  screen?: { page: string; elements: readonly ScreenElement[] };
}

/** The user turn: `<image>Instruction: from page_3 to page_12. History: Null` in image mode. */
export function gelabUserPrompt(input: GelabPromptInput): string {
  const mode = input.mode ?? 'image';
  const task = `${gelabInstruction(input.source, input.target)} History: ${gelabHistory(input.history, input.historyStyle)}`;
  if (mode === 'image') return `${IMAGE_TOKEN}${task}`;
  if (!input.screen) throw new Error(`gelabUserPrompt: observation mode "${mode}" needs the screen's elements`);
  const view = gelabTextView(input.screen.page, input.screen.elements);
  return mode === 'text' ? `${view}\n${task}` : `${IMAGE_TOKEN}${view}\n${task}`;
}

/**
 * Optional system turn describing the action space. Off by default everywhere (the published data
 * has none); whoever turns it on must do so for training and evaluation alike.
 */
export const GELAB_SYSTEM_PROMPT =
  'You navigate a mobile app. Each screen shows icons; back and home are icons too. ' +
  "Reply with one step: `Explain:click <Icon> icon on <page>.\\tAction: click(start_box='<|box_start|>(x,y)<|box_end|>')` " +
  'with x, y on a 0-1000 scale, or `Explain: this is target page.\\tAction: complete` on the target page.';

export function gelabMessages(input: GelabPromptInput & { system?: boolean }, answer?: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (input.system) messages.push({ role: 'system', content: GELAB_SYSTEM_PROMPT });
  messages.push({ role: 'user', content: gelabUserPrompt(input) });
  if (answer !== undefined) messages.push({ role: 'assistant', content: answer });
  return messages;
}

/** Icon captioning: which icon is at this point? The answer is the icon's name. */
export function gelabCaptionPrompt(point: Point): string {
  return `${IMAGE_TOKEN}What is the icon at point (${point[0]}, ${point[1]}) in the image?`;
}

/** Icon grounding: click this icon. The answer is a GE-Lab click. */
export function gelabGroundingPrompt(icon: string): string {
  return `${IMAGE_TOKEN}Click on ${icon} in the image.`;
}
