import type { NormBbox } from '../actions/coords.js';
import { type ChatMessage, IMAGE_TOKEN } from '../prompts/chat.js';
import type { NavigationSample } from '../tasks/path-samples.js';
import type { PixelBbox } from '../world/schema.js';

/**
 * GE-Lab's dataset records (ms-swift `messages` + `images`), with the published keys:
 * SFT/test `idx, path, task, messages, images, source` (test adds `bbox`, `bbox_norm`);
 * RL `image, problem, solution, bbox_norm` (+ `path`, `task`, `source`).
 * For a `complete` step, `bbox` and `bbox_norm` are [0, 0, 0, 0] (no icon is clicked).
 */
export interface GelabSftRecord {
  idx: number;
  /** Shortest-path length of the task; absent for icon captioning/grounding. */
  path?: number;
  /** `From page_3 to page_12`, or `captioning` / `grounding`. */
  task: string;
  messages: ChatMessage[];
  images: string[];
  /** `subN` (path data), `subN_edge` (edge data), `captioning` or `grounding`. */
  source: string;
}

export interface GelabTestRecord extends GelabSftRecord {
  path: number;
  bbox: PixelBbox;
  bbox_norm: NormBbox;
}

export interface GelabRlRecord {
  idx: number;
  image: string;
  problem: string;
  solution: string;
  bbox_norm: NormBbox;
  path: number;
  task: string;
  source: string;
}

/** Maps a page id to the path written into `images` / `image`. */
export type ImagePathOf = (page: string) => string;

const NO_BOX: [number, number, number, number] = [0, 0, 0, 0];

export function gelabTaskName(source: string, target: string): string {
  return `From ${source} to ${target}`;
}

export function sftRecord(sample: NavigationSample, source: string, imageOf: ImagePathOf): GelabSftRecord {
  return {
    idx: 0,
    path: sample.pathLength,
    task: gelabTaskName(sample.source, sample.target),
    messages: [
      { role: 'user', content: sample.prompt },
      { role: 'assistant', content: sample.answer },
    ],
    images: promptImages(sample, imageOf),
    source,
  };
}

/** The screenshot of a prompt that shows one (`<image>`); none for the text observation. */
export function promptImages(sample: NavigationSample, imageOf: ImagePathOf): string[] {
  return sample.prompt.includes(IMAGE_TOKEN) ? [imageOf(sample.page)] : [];
}

export function testRecord(sample: NavigationSample, source: string, imageOf: ImagePathOf): GelabTestRecord {
  return {
    ...sftRecord(sample, source, imageOf),
    path: sample.pathLength,
    bbox: sample.bbox ?? [...NO_BOX],
    bbox_norm: sample.bboxNorm ?? [...NO_BOX],
  };
}

export function rlRecord(sample: NavigationSample, source: string, imageOf: ImagePathOf): GelabRlRecord {
  return {
    idx: 0,
    image: imageOf(sample.page),
    problem: sample.prompt,
    solution: sample.answer,
    bbox_norm: sample.bboxNorm ?? [...NO_BOX],
    path: sample.pathLength,
    task: gelabTaskName(sample.source, sample.target),
    source,
  };
}

/** Numbers the records of one file 0..n-1 in place. */
export function numbered<T extends { idx: number }>(records: T[]): T[] {
  records.forEach((r, i) => {
    r.idx = i;
  });
  return records;
}
