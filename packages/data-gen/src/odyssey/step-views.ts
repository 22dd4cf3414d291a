import type { NormBbox } from '../actions/coords.js';
import { formatOdysseyAction } from '../actions/odyssey.js';
import { type OdysseyPromptFormat, odysseyPrompt } from '../prompts/odyssey.js';
import type { OdysseyStep } from './episode-schema.js';
import type { LoadedEpisode } from './read-episodes.js';
import type { StepAction } from './step-action.js';

/** One step as every Odyssey dataset record sees it: the prompt, the ground-truth answer, the screenshot. */
export interface OdysseyStepView {
  loaded: LoadedEpisode;
  index: number;
  raw: OdysseyStep;
  action: StepAction;
  /** The prompt in the requested format (the same text for SFT, DPO and test records). */
  prompt: string;
  /** The ground truth as an official action string (`CLICK: (x, y)`, `TYPE: ...`). */
  answer: string;
  image: string;
  /** The clicked element's box, when the step has one. */
  sam2Bbox?: NormBbox;
}

export interface StepViewOptions {
  /** `seed` (default): `<image>\nUser: {instruction}\nModel:`; `official`: the GUI-Odyssey agent's prompt with the last 4 actions. */
  promptFormat?: OdysseyPromptFormat;
  /** The path written for a step's screenshot. */
  imageOf: (episode: LoadedEpisode, step: OdysseyStep) => string;
}

export function sam2Box(step: OdysseyStep): NormBbox | undefined {
  const box = step.sam2_bbox;
  return box && box.length === 4 ? [box[0], box[1], box[2], box[3]] : undefined;
}

/** Every step of the episodes, in order, with its prompt (history = the episode's earlier ground-truth actions). */
export function* odysseyStepViews(
  episodes: readonly LoadedEpisode[],
  options: StepViewOptions,
): Generator<OdysseyStepView> {
  for (const loaded of episodes) {
    const { episode } = loaded;
    const history = loaded.actions.map((a) => formatOdysseyAction(a.action));
    for (const [index, action] of loaded.actions.entries()) {
      const raw = episode.steps[index] as OdysseyStep;
      const image = options.imageOf(loaded, raw);
      const prompt = odysseyPrompt(options.promptFormat ?? 'seed', {
        instruction: episode.task_info.instruction,
        image,
        history: history.slice(0, index),
      });
      const box = sam2Box(raw);
      yield {
        loaded,
        index,
        raw,
        action,
        prompt,
        answer: history[index] as string,
        image,
        ...(box ? { sam2Bbox: box } : {}),
      };
    }
  }
}
