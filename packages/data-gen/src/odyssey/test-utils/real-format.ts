import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A small GUI-Odyssey dataset root written the way the release and its tools leave it
 * (introduction.md, data/format_converter.py): annotations/, screenshots/, splits/ whose entries
 * are file names with `.json`, and helper files that are not episodes (his_index.json,
 * format_converter.py, train_anno/). Its steps hold the cases the official converter accepts
 * that guinav once refused: LONG_PRESS and CLICK with KEY_* info, a click `info` with two points,
 * decimal coordinates, TEXT with a second colon, a CLICK whose sam2_bbox is empty.
 */

type Box = [number, number, number, number] | [];
interface Step {
  action: string;
  info: string | number[][];
  sam2_bbox: Box;
}

const step = (action: string, info: Step['info'], sam2_bbox: Box = []): Step => ({ action, info, sam2_bbox });

export const REAL_FORMAT_EPISODES: Record<string, { category: string; instruction: string; steps: Step[] }> = {
  rf_0001: {
    category: 'Web_Shopping',
    instruction: 'Find a meeting room on the booking site and note the time.',
    steps: [
      step('CLICK', 'KEY_HOME'),
      step('CLICK', [[512.5, 300.25]], [480, 280, 540, 320]),
      step('TEXT', '10:30 meeting'),
      step('LONG_PRESS', 'KEY_APPSELECT'),
      step(
        'CLICK',
        [
          [120, 340],
          [125, 345],
        ],
        [60, 300, 180, 380],
      ),
      step('SCROLL', [
        [500, 800],
        [500, 200],
      ]),
      step('LONG_PRESS', [[300, 700]], [250, 650, 350, 750]),
      step('CLICK', [[640, 900]]),
      step('COMPLETE', ''),
    ],
  },
  rf_0002: {
    category: 'Social_Sharing',
    instruction: 'Tell Sam about the dentist appointment in Messages.',
    steps: [
      step('CLICK', [[900, 60]], [850, 20, 960, 100]),
      step('TEXT', 'dentist at 4'),
      step('CLICK', 'KEY_BACK'),
      step('LONG_PRESS', 'KEY_HOME'),
      step('INCOMPLETE', ''),
    ],
  },
  rf_0003: {
    category: 'General_Tool',
    instruction: 'Add a call at 10:45 to the calendar.',
    steps: [step('TEXT', '10:45 call'), step('COMPLETE', '')],
  },
};

/** The action strings the official converter (`decode_action`) writes for each step, worked out by hand. */
export const REAL_FORMAT_ACTIONS: Record<string, string[]> = {
  rf_0001: [
    'PRESS_HOME',
    'CLICK: (512.5, 300.25)',
    'TYPE: 10:30 meeting',
    'PRESS_RECENT',
    'CLICK: (120, 340)',
    'SCROLL: UP',
    'LONG_PRESS: (300, 700)',
    'CLICK: (640, 900)',
    'COMPLETE',
  ],
  rf_0002: ['CLICK: (900, 60)', 'TYPE: dentist at 4', 'PRESS_BACK', 'PRESS_HOME', 'IMPOSSIBLE'],
  rf_0003: ['TYPE: 10:45 call', 'COMPLETE'],
};

export function realFormatEpisode(id: string): object {
  const e = REAL_FORMAT_EPISODES[id];
  if (!e) throw new Error(`no real-format episode ${id}`);
  return {
    episode_id: id,
    device_info: {
      product: 'sdk_gphone64_x86_64',
      release_version: '14',
      sdk_version: '34',
      h: 2400,
      w: 1080,
      device_name: 'Medium Phone',
    },
    task_info: {
      category: e.category,
      app: ['Chrome'],
      meta_task: 'Do {}.',
      task: 'Do it.',
      instruction: e.instruction,
    },
    step_length: e.steps.length,
    steps: e.steps.map((s, i) => ({
      step: i,
      screenshot: `${id}_${i}.png`,
      action: s.action,
      info: s.info,
      ps: '',
      description: `Screen ${i}.`,
      intention: 'Move the task on.',
      context: i ? 'Some steps were taken.' : 'Nothing yet.',
      low_level_instruction: `Step ${i}.`,
      sam2_bbox: s.sam2_bbox,
    })),
  };
}

/** Writes the dataset root; returns its path. Screenshots are placeholders (only their presence is checked). */
export async function writeRealFormatDataset(root: string): Promise<string> {
  for (const sub of ['annotations', 'screenshots', 'splits', 'train_anno']) {
    await mkdir(path.join(root, sub), { recursive: true });
  }
  for (const id of Object.keys(REAL_FORMAT_EPISODES)) {
    const episode = realFormatEpisode(id) as { steps: { screenshot: string }[] };
    await writeFile(path.join(root, 'annotations', `${id}.json`), JSON.stringify(episode, null, 4));
    // The PNG signature: screenshots are checked by their first bytes, not decoded.
    for (const s of episode.steps) await writeFile(path.join(root, 'screenshots', s.screenshot), PNG_SIGNATURE);
  }
  const split = { train: ['rf_0001.json', 'rf_0002.json'], test: ['rf_0003.json'] };
  await writeFile(path.join(root, 'splits', 'random_split.json'), JSON.stringify(split, null, 4));
  await writeFile(path.join(root, 'his_index.json'), JSON.stringify({ '/data/screenshots/rf_0001_1.png': [] }));
  await writeFile(path.join(root, 'format_converter.py'), 'def decode_action(action, info):\n    pass\n');
  await writeFile(path.join(root, 'train_anno', 'high_random_split.json'), '[]');
  return root;
}
