import path from 'node:path';
import { rasterizeSvgToFile } from '../../workers/rasterize.mjs';
import { writeOutputDir } from '../io/output-dir.js';
import { DataRng } from '../random/data-rng.js';
import { escapeXml } from '../render/xml.js';
import { ODYSSEY_ROOT_DIRS, writeEpisodeFiles } from './dataset-root.js';
import type { OdysseyEpisode, OdysseySplits, OdysseyStep } from './episode-schema.js';

/**
 * Small episodes in the GUI-Odyssey file format as released (introduction.md, read by
 * data/format_converter.py), for tests and demos: every action kind of the format appears (CLICK
 * with coordinates, CLICK with KEY_HOME / KEY_BACK / KEY_APPSELECT, LONG_PRESS, SCROLL in four
 * directions, TEXT, COMPLETE, INCOMPLETE); every step has `sam2_bbox` (`[]` unless it is a
 * click on a point), `low_level_instruction`, `description`, `intention` and `context`.
 * Coordinates are drawn from a seed; tiny screenshots show the element acted on.
 */

type ScriptStep =
  | { action: 'CLICK' | 'LONG_PRESS'; label: string }
  | { action: 'CLICK'; key: 'KEY_HOME' | 'KEY_BACK' | 'KEY_APPSELECT' }
  | { action: 'SCROLL'; direction: 'UP' | 'DOWN' | 'LEFT' | 'RIGHT' }
  | { action: 'TEXT'; text: string }
  | { action: 'COMPLETE' | 'INCOMPLETE'; ps: string };

interface Script {
  category: string;
  apps: string[];
  meta_task: string;
  task: string;
  instruction: string;
  device: { device_name: string; product: string; w: number; h: number };
  steps: ScriptStep[];
}

const PIXEL_8_PRO = { device_name: 'Pixel 8 Pro', product: 'sdk_gphone64_x86_64', w: 1344, h: 2992 };
const SMALL_PHONE = { device_name: 'Small Phone', product: 'sdk_gphone64_x86_64', w: 720, h: 1280 };

const SCRIPTS: readonly Script[] = [
  {
    category: 'Multi_Apps',
    apps: ['Chrome', 'Messages'],
    meta_task: 'Search for {} and share the result with {} via Messages.',
    task: 'Search for the weather in Paris and share the result with Alex via Messages.',
    instruction: 'Use Chrome to look up the weather in Paris, then send the page to Alex with Messages.',
    device: PIXEL_8_PRO,
    steps: [
      { action: 'CLICK', key: 'KEY_HOME' },
      { action: 'CLICK', label: 'Chrome' },
      { action: 'CLICK', label: 'Search bar' },
      { action: 'TEXT', text: 'weather in Paris' },
      { action: 'CLICK', label: 'First result' },
      { action: 'SCROLL', direction: 'DOWN' },
      { action: 'LONG_PRESS', label: 'Forecast text' },
      { action: 'CLICK', label: 'Share' },
      { action: 'CLICK', label: 'Messages' },
      { action: 'TEXT', text: 'Alex' },
      { action: 'CLICK', label: 'Send' },
      { action: 'COMPLETE', ps: 'The page was sent to Alex.' },
    ],
  },
  {
    category: 'Web_Shopping',
    apps: ['Amazon'],
    meta_task: 'Add {} to the cart on Amazon.',
    task: 'Add a USB-C cable to the cart on Amazon.',
    instruction: 'Open Amazon, find a USB-C charging cable and put it in the shopping cart.',
    device: SMALL_PHONE,
    steps: [
      { action: 'CLICK', label: 'Amazon' },
      { action: 'CLICK', label: 'Search' },
      { action: 'TEXT', text: 'usb c cable' },
      { action: 'SCROLL', direction: 'UP' },
      { action: 'SCROLL', direction: 'LEFT' },
      { action: 'CLICK', label: 'Add to cart' },
      { action: 'CLICK', key: 'KEY_BACK' },
      { action: 'COMPLETE', ps: 'The cable is in the cart.' },
    ],
  },
  {
    category: 'General_Tool',
    apps: ['Clock'],
    meta_task: 'Set an alarm for {}.',
    task: 'Set an alarm for 6:30 tomorrow.',
    instruction: 'Switch to the Clock app from recent apps and set an alarm for 6:30 tomorrow morning.',
    device: PIXEL_8_PRO,
    steps: [
      { action: 'CLICK', key: 'KEY_APPSELECT' },
      { action: 'CLICK', label: 'Clock' },
      { action: 'SCROLL', direction: 'RIGHT' },
      { action: 'INCOMPLETE', ps: 'The alarm tab could not be found.' },
    ],
  },
  {
    category: 'Social_Sharing',
    apps: ['Gallery', 'X'],
    meta_task: 'Post the latest photo on {} with the caption {}.',
    task: 'Post the latest photo on X with the caption "sunset".',
    instruction: 'Share the newest photo from the Gallery on X with the caption "sunset".',
    device: SMALL_PHONE,
    steps: [
      { action: 'CLICK', label: 'Gallery' },
      { action: 'LONG_PRESS', label: 'Latest photo' },
      { action: 'CLICK', label: 'Share' },
      { action: 'TEXT', text: 'sunset' },
      { action: 'CLICK', label: 'Post' },
      { action: 'COMPLETE', ps: 'Posted.' },
    ],
  },
];

/** Finger paths for each scroll direction (start, end), jittered by the seed. */
const SCROLLS = {
  UP: [500, 750, 500, 250],
  DOWN: [500, 250, 500, 750],
  LEFT: [800, 500, 200, 500],
  RIGHT: [200, 500, 800, 500],
} as const;

export interface SyntheticEpisode {
  episode: OdysseyEpisode;
  /** Screenshot file name -> SVG (the element acted on is drawn at its box). */
  screens: Map<string, string>;
}

function screenSvg(script: Script, step: ScriptStep, index: number, box?: [number, number, number, number]): string {
  const { w, h } = script.device;
  const sx = (v: number) => Math.round((v / 1000) * w);
  const sy = (v: number) => Math.round((v / 1000) * h);
  const label = 'label' in step ? step.label : 'text' in step ? `typing: ${step.text}` : step.action;
  const parts = [
    `<rect width="${w}" height="${h}" fill="#f4f6fb"/>`,
    `<rect width="${w}" height="${sy(80)}" fill="#3b5bdb"/>`,
    `<text x="${w / 2}" y="${sy(55)}" font-size="${sy(35)}" fill="white" text-anchor="middle" font-family="DejaVu Sans, sans-serif">${escapeXml(`${script.apps.join(' + ')} #${index}`)}</text>`,
  ];
  if (box) {
    parts.push(
      `<rect x="${sx(box[0])}" y="${sy(box[1])}" width="${sx(box[2]) - sx(box[0])}" height="${sy(box[3]) - sy(box[1])}" rx="${sx(15)}" fill="#ffa94d"/>`,
      `<text x="${sx((box[0] + box[2]) / 2)}" y="${sy((box[1] + box[3]) / 2)}" font-size="${sy(25)}" text-anchor="middle" dominant-baseline="central" font-family="DejaVu Sans, sans-serif">${escapeXml(label)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(w / 8)}" height="${Math.round(h / 8)}" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none">${parts.join('')}</svg>`;
}

const KEY_WORDS = { KEY_HOME: 'Go to the home screen', KEY_BACK: 'Go back', KEY_APPSELECT: 'Open the recent apps' };

/** The step's low-level instruction, in the release's imperative style. */
function lowLevelInstruction(step: ScriptStep): string {
  if ('label' in step) return `${step.action === 'LONG_PRESS' ? 'Long press' : 'Tap'} "${step.label}"`;
  if ('key' in step) return KEY_WORDS[step.key];
  if ('direction' in step) return `Scroll ${step.direction.toLowerCase()}`;
  if ('text' in step) return `Type "${step.text}"`;
  return step.action === 'COMPLETE' ? 'Finish: the task is done' : 'Stop: the task cannot be done';
}

/** The texts of the newer release's semantic annotations, written from the script. */
function stepTexts(script: Script, index: number) {
  const step = script.steps[index] as ScriptStep;
  const lowerFirst = (t: string) => t.charAt(0).toLowerCase() + t.slice(1);
  const done = script.steps.slice(0, index).map((s) => lowerFirst(lowLevelInstruction(s)));
  const instruction = lowLevelInstruction(step);
  return {
    low_level_instruction: instruction,
    description: `Screen ${index} of ${script.apps.join(' and ')} on a ${script.device.device_name}${'label' in step ? `, showing "${step.label}"` : ''}.`,
    intention: `${instruction} to move on with: ${script.task}`,
    context: done.length ? `So far: ${done.join(', ')}.` : 'Nothing has been done yet.',
  };
}

function scriptedStep(script: Script, index: number, id: string, rng: DataRng): [OdysseyStep, string] {
  const step = script.steps[index] as ScriptStep;
  // Fields in the order of the released files.
  const released = (
    info: OdysseyStep['info'],
    sam2_bbox: [number, number, number, number] | [],
    ps = '',
  ): OdysseyStep => ({
    step: index,
    screenshot: `${id}_${index}.png`,
    action: step.action,
    info,
    ps,
    ...stepTexts(script, index),
    sam2_bbox,
  });
  if ('label' in step) {
    const [x, y] = [rng.int(120, 880), rng.int(150, 900)];
    const box: [number, number, number, number] = [
      x - rng.int(60, 110),
      y - rng.int(25, 45),
      x + rng.int(60, 110),
      y + rng.int(25, 45),
    ];
    const clipped = box.map((v) => Math.min(1000, Math.max(0, v))) as [number, number, number, number];
    return [released([[x, y]], clipped), screenSvg(script, step, index, clipped)];
  }
  const svg = screenSvg(script, step, index);
  if ('key' in step) return [released(step.key, []), svg];
  if ('direction' in step) {
    const [x1, y1, x2, y2] = SCROLLS[step.direction];
    const j = () => rng.int(-40, 40);
    const info: [number, number][] = [
      [x1 + j(), y1 + j()],
      [x2 + j(), y2 + j()],
    ];
    return [released(info, [], JSON.stringify(info)), svg];
  }
  if ('text' in step) return [released(step.text, []), svg];
  return [released('', [], step.ps), svg];
}

export function syntheticOdysseyEpisodes(seed: number): SyntheticEpisode[] {
  const rng = new DataRng(seed);
  return SCRIPTS.map((script, e) => {
    const id = `synthetic_${String(e + 1).padStart(4, '0')}`;
    const stepRng = rng.fork(id);
    const screens = new Map<string, string>();
    const steps = script.steps.map((_, i) => {
      const [step, svg] = scriptedStep(script, i, id, stepRng);
      screens.set(step.screenshot, svg);
      return step;
    });
    const episode: OdysseyEpisode = {
      episode_id: id,
      device_info: { ...script.device, release_version: '14', sdk_version: '34' },
      task_info: {
        category: script.category,
        app: script.apps,
        meta_task: script.meta_task,
        task: script.task,
        instruction: script.instruction,
      },
      step_length: steps.length,
      steps,
    };
    return { episode, screens };
  });
}

/**
 * Writes `annotations/<id>.json`, `screenshots/<id>_<step>.png` and `splits/random_split.json`
 * (three episodes train, one test, listed as annotation file names) the way the GUI-Odyssey
 * release lays them out.
 */
export async function writeSyntheticOdyssey(outDir: string, seed: number): Promise<SyntheticEpisode[]> {
  const episodes = syntheticOdysseyEpisodes(seed);
  const files = episodes.map((e) => `${e.episode.episode_id}.json`);
  const splits: OdysseySplits = { train: files.slice(0, -1), test: files.slice(-1) };
  await writeOutputDir(outDir, async (staging) => {
    await writeEpisodeFiles(
      staging,
      episodes.map((e) => e.episode),
      { random: splits },
    );
    for (const { screens } of episodes) {
      for (const [file, svg] of screens) {
        await rasterizeSvgToFile(svg, path.join(staging, ODYSSEY_ROOT_DIRS.screenshots, file));
      }
    }
  });
  return episodes;
}
