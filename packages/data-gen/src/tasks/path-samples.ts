import { type NormBbox, normalizeBbox, type Point, roundHalfEven } from '../actions/coords.js';
import { formatGelabClick, GELAB_COMPLETE_TEXT, type GelabClick, type GelabComplete } from '../actions/gelab.js';
import type { ObservationMode } from '../prompts/chat.js';
import { type GelabPromptInput, gelabUserPrompt, type HistoryStep } from '../prompts/gelab.js';
import type { DataRng } from '../random/data-rng.js';
import type { PixelBbox } from '../world/schema.js';
import { screenElements } from '../world/screen.js';
import { getPage, type World } from '../world/world.js';
import type { PathStep } from './shortest-paths.js';

/** Chooses where a ground-truth click lands inside the clicked icon (0..1000 scale). */
export type PointPicker = (page: string, action: string, bbox: PixelBbox) => Point;

/** The centre of the normalised box (rounded half to even, like every coordinate). */
export function centerPointPicker(world: World): PointPicker {
  return (_page, _action, bbox) => {
    const [x1, y1, x2, y2] = normalizeBbox(bbox, world.canvas);
    return [roundHalfEven((x1 + x2) / 2), roundHalfEven((y1 + y2) / 2)];
  };
}

/** A uniform random integer point inside the normalised box, edges included (as the scorer tests it). */
export function randomPointPicker(world: World, rng: DataRng): PointPicker {
  return (_page, _action, bbox) => randomPointInBbox(normalizeBbox(bbox, world.canvas), rng);
}

export function randomPointInBbox(box: NormBbox, rng: DataRng): Point {
  return [rng.int(box[0], box[2]), rng.int(box[1], box[3])];
}

/** One supervised step of a navigation task: the user prompt and the ground-truth answer. */
export interface NavigationSample {
  source: string;
  target: string;
  /** Shortest-path length of the task (the `path` field of GE-Lab records). */
  pathLength: number;
  /** 0-based step index; the last step (index = pathLength) is `complete`. */
  step: number;
  /** The page on screen at this step (its screenshot goes with the sample). */
  page: string;
  history: HistoryStep[];
  prompt: string;
  answer: string;
  action: Required<GelabClick> | GelabComplete;
  /** The clicked icon's pixel box and normalised box; null for `complete`. */
  bbox: PixelBbox | null;
  bboxNorm: NormBbox | null;
}

export interface PathSampleOptions {
  /** Default: the centre of each icon. Datasets pass a seeded random picker. */
  pickPoint?: PointPicker;
  /** Observation mode of the prompt (default `image`, the published format). */
  mode?: ObservationMode;
}

/**
 * The samples of one task: one per click along `path`, then `complete` on the target page.
 * Prompts come from the prompt builder and answers from the action grammar, so a simulator that
 * replays the same path with the same history produces the same prompt strings.
 */
export function pathSamples(
  world: World,
  task: { source: string; target: string; path: readonly PathStep[] },
  options: PathSampleOptions = {},
): NavigationSample[] {
  const pickPoint = options.pickPoint ?? centerPointPicker(world);
  const mode = options.mode ?? 'image';
  const history: HistoryStep[] = [];
  const samples: NavigationSample[] = [];
  const base = { source: task.source, target: task.target, pathLength: task.path.length };
  const prompt = (page: string): string => {
    const input: GelabPromptInput = { source: task.source, target: task.target, history: [...history], mode };
    if (mode !== 'image') input.screen = { page, elements: screenElements(world, page) };
    return gelabUserPrompt(input);
  };

  task.path.forEach((step, i) => {
    const entry = getPage(world, step.page).layout[step.action];
    if (!entry) throw new Error(`${world.source}: ${step.page} has no icon "${step.action}"`);
    const point = pickPoint(step.page, step.action, entry.bbox);
    samples.push({
      ...base,
      step: i,
      page: step.page,
      history: [...history],
      prompt: prompt(step.page),
      answer: formatGelabClick(step.action, step.page, point),
      action: { type: 'click', icon: step.action, page: step.page, point },
      bbox: [...entry.bbox],
      bboxNorm: normalizeBbox(entry.bbox, world.canvas),
    });
    history.push({ icon: step.action, page: step.page });
  });
  samples.push({
    ...base,
    step: task.path.length,
    page: task.target,
    history: [...history],
    prompt: prompt(task.target),
    answer: GELAB_COMPLETE_TEXT,
    action: { type: 'complete' },
    bbox: null,
    bboxNorm: null,
  });
  return samples;
}
