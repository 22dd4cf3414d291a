import { DataRng } from '../../random/data-rng.js';
import { ODYSSEY_CATEGORIES, type OdysseyCategory, type OdysseyEpisode, type OdysseyStep } from '../episode-schema.js';
import { APPS, homeScreen, startScreen } from './apps.js';
import { Phone, type PhoneStart, type SimAction, type SimStep } from './phone.js';
import type { Screen } from './screen.js';
import { fillTemplate, metaTask, type Slots, TASK_TEMPLATES, type TaskTemplate } from './tasks.js';

/**
 * Synthetic episodes in GUI-Odyssey's released format, recorded on the simulated phone: each
 * episode is one task template with drawn slot values, run from a drawn starting state (the
 * launcher, its second page, or another app with some apps in recents) on one of four phones.
 * Episode i has category i mod 6 and cycles through its category's templates, so every count
 * covers the categories evenly; each episode draws from its own random stream, so a smaller
 * count gives the first episodes of a larger one.
 */

export const DEFAULT_SYNTHETIC_EPISODES = 300;
export const DEFAULT_SYNTHETIC_SEED = 42;
/** Largest shift of a screen's content per visit, on 0..1000. */
export const DEFAULT_SYNTHETIC_JITTER = 12;
/** The split files written, as the release names them (`splits/<name>_split.json`). */
export const ODYSSEY_SPLIT_NAMES = ['random', 'task', 'device', 'app'] as const;
export type OdysseySplitName = (typeof ODYSSEY_SPLIT_NAMES)[number];

export const SYNTHETIC_PHONES = [
  { device_name: 'Pixel 8 Pro', w: 1344, h: 2992 },
  { device_name: 'Pixel 7 Pro', w: 1440, h: 3120 },
  { device_name: 'Medium Phone', w: 1080, h: 2400 },
  { device_name: 'Small Phone', w: 720, h: 1280 },
] as const;

/** The app split's test apps: an episode using any of them is a test episode. */
const APP_SPLIT_TEST_APPS = new Set(['eBay', 'YouTube', 'Contacts', 'X']);
/** The device split's test device. */
const DEVICE_SPLIT_TEST = 'Small Phone';

export interface SyntheticOdysseyOptions {
  /** Episodes to generate (default 300). */
  count?: number;
  seed?: number;
  /** Largest per-visit shift of screen content, 0..1000 units (default 12; 0 for none). */
  jitter?: number;
}

export interface SimulatedShot {
  /** The screenshot file name, `<episode_id>_<step>.png`. */
  file: string;
  screen: Screen;
  offset: [number, number];
}

export interface SimulatedEpisode {
  episode: OdysseyEpisode;
  /** The task template it was made from. */
  template: string;
  shots: SimulatedShot[];
}

/** A splits file's content: annotation file names (`<episode_id>.json`) per subset. */
export interface TrainTestSplit {
  train: string[];
  test: string[];
}

export interface SyntheticOdyssey {
  episodes: SimulatedEpisode[];
  /** Split name -> `{train, test}` lists of annotation file names. */
  splits: Record<OdysseySplitName, TrainTestSplit>;
}

const KEY_WORDS = { KEY_HOME: 'Go to the home screen', KEY_BACK: 'Go back', KEY_APPSELECT: 'Open the recent apps' };

/** The step's low-level instruction, in the release's imperative style. */
function lowLevelInstruction(action: SimAction): string {
  switch (action.type) {
    case 'CLICK':
    case 'LONG_PRESS': {
      const verb = action.type === 'LONG_PRESS' ? 'Long press' : 'Tap';
      const { role, label } = action.element;
      if (role === 'tile' && action.element.id.startsWith('app:')) return `Open the ${label} app`;
      if (role === 'dock') return `Open ${label} from the suggested apps`;
      if (role === 'card') return `Switch to ${label} in the recent apps`;
      if (role === 'toggle' || role === 'qs') return `Turn on "${label}"`;
      if (role === 'field' || role === 'composer' || role === 'dialog-field') return `${verb} the "${label}" box`;
      return `${verb} "${label}"`;
    }
    case 'KEY':
      return KEY_WORDS[action.key];
    case 'SCROLL':
      return action.path[0] && action.path[0][1] < 50
        ? 'Pull down the quick settings'
        : `Scroll ${action.direction.toLowerCase()}`;
    case 'TEXT':
      return `Type "${action.text}"`;
    case 'COMPLETE':
      return 'Finish: the task is done';
    case 'INCOMPLETE':
      return 'Stop: the task cannot be done';
  }
}

function describe(screen: Screen): string {
  const place =
    screen.kind === 'home'
      ? 'the home screen'
      : screen.kind === 'recents'
        ? 'the recent apps'
        : screen.kind === 'shade'
          ? 'the quick settings'
          : `${screen.app}, "${screen.title}"`;
  const over = screen.dialog
    ? ` with the "${screen.dialog.title}" dialog open`
    : screen.menu
      ? ' with a menu open'
      : screen.sheet
        ? ' with the share sheet open'
        : '';
  return `The screen shows ${place}${over}${screen.keyboard ? ', keyboard up' : ''}.`;
}

function rawAction(
  action: SimAction,
): Pick<OdysseyStep, 'action' | 'info' | 'ps'> & { sam2_bbox: OdysseyStep['sam2_bbox'] } {
  switch (action.type) {
    case 'CLICK':
    case 'LONG_PRESS':
      return { action: action.type, info: [action.point], ps: '', sam2_bbox: action.element.box };
    case 'KEY':
      return { action: 'CLICK', info: action.key, ps: '', sam2_bbox: [] };
    case 'SCROLL': {
      const start = action.path[0] as [number, number];
      const end = action.path[action.path.length - 1] as [number, number];
      return { action: 'SCROLL', info: [start, end], ps: JSON.stringify(action.path), sam2_bbox: [] };
    }
    case 'TEXT':
      return { action: 'TEXT', info: action.text, ps: '', sam2_bbox: [] };
    default:
      return { action: action.type, info: '', ps: action.ps, sam2_bbox: [] };
  }
}

function episodeSteps(id: string, steps: readonly SimStep[], task: string): OdysseyStep[] {
  const lower = (t: string) => t.charAt(0).toLowerCase() + t.slice(1);
  const done: string[] = [];
  return steps.map((s, i) => {
    const { action, info, ps, sam2_bbox } = rawAction(s.action);
    const instruction = lowLevelInstruction(s.action);
    const step: OdysseyStep = {
      step: i,
      screenshot: `${id}_${i}.png`,
      action,
      info,
      ps,
      low_level_instruction: instruction,
      description: describe(s.screen),
      intention: `${instruction} to move on with: ${task}`,
      context: done.length ? `So far: ${done.slice(-4).join(', ')}.` : 'Nothing has been done yet.',
      sam2_bbox,
    };
    done.push(lower(instruction));
    return step;
  });
}

/** Where the phone is when the episode starts, and what is in recents. */
function startState(rng: DataRng, template: TaskTemplate): PhoneStart {
  const others = rng.shuffle(APPS.map((a) => a.name).filter((n) => !template.apps.includes(n)));
  const recent = others.slice(0, 2);
  const roll = rng.float();
  const inApp = roll >= 0.65;
  // Sometimes an app of the task is already in recents, so switching to it through recents is possible.
  const [first, second] = template.apps;
  if (rng.float() < 0.35) {
    if (inApp && first) recent.splice(1, 0, first);
    else if (!inApp && second) recent.unshift(second);
  }
  if (inApp) return { screen: startScreen(recent[0] as string), recent, homePage: 1 };
  const page = roll < 0.55 ? 1 : 2;
  return { screen: homeScreen(page, recent), recent, homePage: page };
}

function episodeId(index: number, count: number): string {
  return `synthetic_${String(index + 1).padStart(Math.max(4, String(count).length), '0')}`;
}

const TEMPLATES_BY_CATEGORY = new Map<OdysseyCategory, TaskTemplate[]>(
  ODYSSEY_CATEGORIES.map((c) => [c, TASK_TEMPLATES.filter((t) => t.category === c)]),
);

/** The template of episode `index` (its category is index mod 6) and whether it is the impossible variant. */
function plan(index: number): { template: TaskTemplate; impossible: boolean } {
  const category = ODYSSEY_CATEGORIES[index % ODYSSEY_CATEGORIES.length] as OdysseyCategory;
  const templates = TEMPLATES_BY_CATEGORY.get(category) ?? [];
  const round = Math.floor(index / ODYSSEY_CATEGORIES.length);
  const template = templates[round % templates.length] as TaskTemplate;
  const use = Math.floor(round / templates.length);
  return { template, impossible: template.impossibleEvery !== undefined && use % template.impossibleEvery === 1 };
}

function simulateEpisode(root: DataRng, index: number, count: number, jitter: number): SimulatedEpisode {
  const id = episodeId(index, count);
  const rng = root.fork(`episode/${index}`);
  const { template, impossible } = plan(index);
  const slots: Slots = template.slots(rng.fork('slots'), impossible);
  const phone = new Phone(rng.fork('phone'), jitter, startState(rng.fork('start'), template));
  template.run(phone, slots, impossible);
  const device = rng.pick(SYNTHETIC_PHONES);
  const task = fillTemplate(template.meta, slots);
  const steps = episodeSteps(id, phone.steps, task);
  const episode: OdysseyEpisode = {
    episode_id: id,
    device_info: {
      product: 'sdk_gphone64_x86_64',
      release_version: '14',
      sdk_version: '34',
      h: device.h,
      w: device.w,
      device_name: device.device_name,
    },
    task_info: {
      category: template.category,
      app: [...template.apps],
      meta_task: metaTask(template),
      task,
      instruction: fillTemplate(rng.pick(template.instructions), slots),
    },
    step_length: steps.length,
    steps,
  };
  const shots = phone.steps.map((s, i) => ({ file: `${id}_${i}.png`, screen: s.screen, offset: s.offset }));
  return { episode, template: template.id, shots };
}

const fileOf = (e: SimulatedEpisode) => `${e.episode.episode_id}.json`;

function splitBy(episodes: readonly SimulatedEpisode[], isTest: (e: SimulatedEpisode) => boolean): TrainTestSplit {
  return { train: episodes.filter((e) => !isTest(e)).map(fileOf), test: episodes.filter(isTest).map(fileOf) };
}

/**
 * The four splits of the release, made the same way: random (a quarter of each category's
 * episodes, drawn by the seed; at least one episode), task (one template per category held out), device (the Small
 * Phone's episodes) and app (episodes that use eBay, YouTube, Contacts or X).
 */
function makeSplits(episodes: readonly SimulatedEpisode[], rng: DataRng): Record<OdysseySplitName, TrainTestSplit> {
  const randomTest = new Set<string>();
  for (const category of ODYSSEY_CATEGORIES) {
    const ids = episodes.filter((e) => e.episode.task_info.category === category).map((e) => e.episode.episode_id);
    const test = ids.length >= 2 ? Math.max(1, Math.round(ids.length / 4)) : 0;
    for (const id of rng.shuffle(ids).slice(0, test)) randomTest.add(id);
  }
  // Fewer than two episodes per category: still one test episode, when there are two at all.
  if (randomTest.size === 0 && episodes.length >= 2) randomTest.add(rng.pick(episodes).episode.episode_id);
  const heldOutTemplates = new Set(
    ODYSSEY_CATEGORIES.map((c) => (TEMPLATES_BY_CATEGORY.get(c) ?? []).at(-1)?.id ?? ''),
  );
  return {
    random: splitBy(episodes, (e) => randomTest.has(e.episode.episode_id)),
    task: splitBy(episodes, (e) => heldOutTemplates.has(e.template)),
    device: splitBy(episodes, (e) => e.episode.device_info.device_name === DEVICE_SPLIT_TEST),
    app: splitBy(episodes, (e) => e.episode.task_info.app.some((a) => APP_SPLIT_TEST_APPS.has(a))),
  };
}

export function checkSyntheticCount(count: number, label = '--episodes'): void {
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new Error(`${label}: expected a whole number of episodes from 1 to 100000, got ${count}`);
}

/** Generates the episodes and splits in memory (the screenshots are drawn when written). */
export function generateSyntheticOdyssey(options: SyntheticOdysseyOptions = {}): SyntheticOdyssey {
  const count = options.count ?? DEFAULT_SYNTHETIC_EPISODES;
  checkSyntheticCount(count);
  const jitter = options.jitter ?? DEFAULT_SYNTHETIC_JITTER;
  if (!(jitter >= 0 && jitter <= 100))
    throw new Error(`--jitter: expected 0 to 100 (units of 1/1000 of the screen), got ${jitter}`);
  const root = new DataRng(options.seed ?? DEFAULT_SYNTHETIC_SEED);
  const episodes = Array.from({ length: count }, (_, i) => simulateEpisode(root, i, count, jitter));
  return { episodes, splits: makeSplits(episodes, root.fork('splits')) };
}
