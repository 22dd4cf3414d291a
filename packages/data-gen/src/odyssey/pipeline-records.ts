import { ODYSSEY_ACTION_TYPES, type OdysseyActionType } from '../actions/odyssey.js';
import type { ChatMessage } from '../prompts/chat.js';
import type { LoadedEpisode } from './read-episodes.js';
import { type OdysseyStepView, odysseyStepViews, type StepViewOptions } from './step-views.js';

/**
 * The Odyssey flow's SFT and test records (ms-swift `messages` + `images`), one per step, with
 * the same prompt text as the DPO pairs of the step (odysseyStepViews), so SFT, DPO and
 * evaluation see one prompt format.
 */

export interface OdysseySftRecord {
  /** The prompt as the user turn, the ground-truth action string as the assistant turn. */
  messages: ChatMessage[];
  images: string[];
  episode_id: string;
  step: number;
  category: string;
}

/**
 * A test step. With the model's reply added as `pred`, the record is an eval-env
 * OdysseyStepPrediction (`{episode_id, step, category, gt, pred, sam2_bbox, step_length}`), so
 * evaluating is: generate a reply for `messages` minus the last turn, add it, score.
 */
export interface OdysseyTestRecord extends OdysseySftRecord {
  /** The ground truth action string (also the last message). */
  gt: string;
  /** The clicked element's box; `[]` for steps that are not clicks; null when the episode has none. */
  sam2_bbox: number[] | null;
  step_length: number;
}

function sftRecord(view: OdysseyStepView): OdysseySftRecord {
  return {
    messages: [
      { role: 'user', content: view.prompt },
      { role: 'assistant', content: view.answer },
    ],
    images: [view.image],
    episode_id: view.loaded.episode.episode_id,
    step: view.index,
    category: view.loaded.episode.task_info.category,
  };
}

/** One SFT record per step of the episodes: the chosen (ground-truth) action of each step. */
export function odysseySftRecords(episodes: readonly LoadedEpisode[], options: StepViewOptions): OdysseySftRecord[] {
  return [...odysseyStepViews(episodes, options)].map(sftRecord);
}

export function odysseyTestRecords(episodes: readonly LoadedEpisode[], options: StepViewOptions): OdysseyTestRecord[] {
  return [...odysseyStepViews(episodes, options)].map((view) => {
    const box = view.raw.sam2_bbox;
    return {
      ...sftRecord(view),
      gt: view.answer,
      sam2_bbox: box ? [...box] : null,
      step_length: view.loaded.episode.step_length,
    };
  });
}

export interface OdysseySubsetStats {
  episodes: number;
  steps: number;
  byCategory: Record<string, { episodes: number; steps: number }>;
  /** Steps per official action type (CLICK, TYPE, PRESS_HOME, ...). */
  byAction: Partial<Record<OdysseyActionType, number>>;
}

/** Counts of a subset's episodes and steps, per category and per action type. */
export function odysseySubsetStats(episodes: readonly LoadedEpisode[]): OdysseySubsetStats {
  const byCategory: OdysseySubsetStats['byCategory'] = {};
  const actions = new Map<OdysseyActionType, number>();
  for (const { episode, actions: steps } of episodes) {
    const entry = byCategory[episode.task_info.category] ?? { episodes: 0, steps: 0 };
    byCategory[episode.task_info.category] = entry;
    entry.episodes++;
    entry.steps += steps.length;
    for (const { action } of steps) actions.set(action.type, (actions.get(action.type) ?? 0) + 1);
  }
  const sorted = Object.fromEntries(Object.entries(byCategory).sort(([a], [b]) => a.localeCompare(b)));
  return {
    episodes: episodes.length,
    steps: episodes.reduce((n, e) => n + e.actions.length, 0),
    byCategory: sorted,
    byAction: Object.fromEntries(ODYSSEY_ACTION_TYPES.filter((t) => actions.has(t)).map((t) => [t, actions.get(t)])),
  };
}
