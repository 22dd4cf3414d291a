import { distanceBetween, PY_DIGIT, PY_SPACE, pyStrip, type World } from '@guinav/data-gen';
import {
  actionWord,
  explanation,
  firstPoint,
  namedIcon,
  namedPage,
  promptTarget,
  scoredPart,
} from './answer-fields.js';

/**
 * GE-Lab's GRPO reward functions (`swift/plugin/orm.py` of the GE-Lab release), by their published
 * names and with their published semantics, odd ones included (written from the definitions, not
 * copied). Each scores one answer with 0 or 1 (`soft_a2b`: a value in [0, 1]).
 *
 * One deliberate difference: the published single-turn functions cut the text after the last
 * `</think>` only when the SOLUTION contains one (never, in GE-Lab's data), so a thinking part of
 * the completion is scored along with the answer; here the completion's text after its last
 * `</think>` is what is scored, as the reference and the static scorer do.
 */
export interface RewardInput {
  /** The model's answer. */
  completion: string;
  /** The user prompt it answered; in multi-turn RL the last turn's, with the rollout's history. */
  prompt: string;
  /** The ground-truth answer (`solution` of st_rl.json / mt_rl.json). */
  solution?: string;
  /** The ground-truth icon's box on the 0..1000 scale (`bbox_norm`); `[]` means "no box to hit". */
  bboxNorm?: readonly number[];
}

export type RewardFunction = (input: RewardInput) => number;

export const GELAB_REWARD_NAMES = [
  'web_action_match',
  'web_coordinate_match',
  'web_coordinate_match_bbox',
  'web_intent_match',
  'format_constraint',
  'a2b',
  'a2b_wo',
  'soft_a2b',
] as const;
export type GelabRewardName = (typeof GELAB_REWARD_NAMES)[number];

/** The rewards that read the world's transitions (multi-turn RL). */
const WORLD_REWARDS: ReadonlySet<GelabRewardName> = new Set(['a2b', 'a2b_wo', 'soft_a2b']);

function needSolution(input: RewardInput, name: string): string {
  if (input.solution === undefined) throw new Error(`${name}: the record has no solution to compare with`);
  return input.solution;
}

/** The scored answer and solution, and the action word of each (undefined where absent). */
function actions(input: RewardInput, name: string) {
  const content = scoredPart(input.completion);
  const solution = scoredPart(needSolution(input, name));
  return { content, solution, mine: actionWord(content), theirs: actionWord(solution) };
}

/** `web_action_match`: the action word after `\tAction:` equals the solution's. */
export function webActionMatch(input: RewardInput): number {
  const { mine, theirs } = actions(input, 'web_action_match');
  return mine !== undefined && mine === theirs ? 1 : 0;
}

/**
 * `web_coordinate_match`: same action; any action but `click` scores 1; a click scores 1 when its
 * first point lies within 5% of the solution point's distance from the origin (0..1000 space,
 * Euclidean) of the solution's point.
 */
export function webCoordinateMatch(input: RewardInput): number {
  const { content, solution, mine, theirs } = actions(input, 'web_coordinate_match');
  if (mine === undefined || mine !== theirs) return 0;
  if (mine !== 'click') return 1;
  const p = firstPoint(content);
  const q = firstPoint(solution);
  if (!p || !q) return 0;
  return Math.sqrt((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) <= 0.05 * Math.sqrt(q[0] ** 2 + q[1] ** 2) ? 1 : 0;
}

/**
 * `web_coordinate_match_bbox`: an empty box (`[]`) scores 1 whatever the answer; otherwise the
 * same action and the completion's first point inside the box, edges included. (The action is
 * not required to be a click: a `complete` answer to a `complete` step has no point and scores 0
 * against data-gen's `[0, 0, 0, 0]` box.)
 */
export function webCoordinateMatchBbox(input: RewardInput): number {
  const box = input.bboxNorm;
  if (!box) throw new Error('web_coordinate_match_bbox: the record has no bbox_norm');
  if (box.length === 0) return 1;
  const { content, mine, theirs } = actions(input, 'web_coordinate_match_bbox');
  if (mine === undefined || mine !== theirs) return 0;
  const p = firstPoint(content);
  if (!p) return 0;
  const [x1, y1, x2, y2] = box as [number, number, number, number];
  return x1 <= p[0] && p[0] <= x2 && y1 <= p[1] && p[1] <= y2 ? 1 : 0;
}

/**
 * `web_intent_match`: same action; for `complete` the explanation contains "target page" (any
 * case); for `click` the icon named in both explanations is the same; any other action 0.
 */
export function webIntentMatch(input: RewardInput): number {
  const { content, solution, mine, theirs } = actions(input, 'web_intent_match');
  if (mine === undefined || mine !== theirs) return 0;
  const said = explanation(content);
  const meant = explanation(solution);
  if (said === undefined || meant === undefined) return 0;
  if (mine === 'complete') return said.toLowerCase().includes('target page') ? 1 : 0;
  if (mine !== 'click') return 0;
  const icon = namedIcon(said);
  return icon !== undefined && icon === namedIcon(meant) ? 1 : 0;
}

const THINK = `(?:<think>[^\\n]*?</think>${PY_SPACE}*)?[Ee]xplain:[^\\n]*?\\tAction:${PY_SPACE}*`;
const CLICK_FORMAT = new RegExp(
  `^${THINK}click\\(start_box='<\\|box_start\\|>\\(${PY_DIGIT}+,${PY_SPACE}*${PY_DIGIT}+\\)<\\|box_end\\|>'\\)$`,
  'u',
);
const COMPLETE_FORMAT = new RegExp(`^${THINK}complete$`, 'u');

/**
 * `format_constraint`: the whole stripped completion (an optional single-line `<think>...</think>`
 * first) is `Explain:...\tAction: click(start_box='<|box_start|>(x,y)<|box_end|>')` or
 * `Explain:...\tAction: complete`.
 */
export function formatConstraint(input: RewardInput): number {
  const text = pyStrip(input.completion);
  return CLICK_FORMAT.test(text) || COMPLETE_FORMAT.test(text) ? 1 : 0;
}

/** The page an icon on a page leads to (the first transition of that name), if any. */
function transitionTarget(world: World, page: string | undefined, icon: string | undefined): string | undefined {
  if (page === undefined || icon === undefined) return undefined;
  const transitions = world.structure.pages[page]?.transitions ?? [];
  return transitions.find((t) => t.action === icon)?.target_page;
}

/** The history's last step (the prompt's text after its last "step"), as the published code cuts it. */
function lastHistoryStep(prompt: string): string {
  return prompt.split('step').at(-1) as string;
}

/**
 * `a2b`: the completion says `complete` (anywhere) and the history's last step, "click <icon> icon
 * on <page>", names an icon of that page that leads to the prompt's target.
 */
export function a2b(world: World): RewardFunction {
  return ({ completion, prompt }) => {
    if (!completion.includes('complete')) return 0;
    const step = lastHistoryStep(prompt);
    const reached = transitionTarget(world, namedPage(step), namedIcon(step));
    return reached !== undefined && reached === promptTarget(prompt) ? 1 : 0;
  };
}

/** `a2b_wo`: the icon the completion names on the page it names leads to the prompt's target. */
export function a2bWo(world: World): RewardFunction {
  return ({ completion, prompt }) => {
    const reached = transitionTarget(world, namedPage(completion), namedIcon(completion));
    return reached !== undefined && reached === promptTarget(prompt) ? 1 : 0;
  };
}

/**
 * `soft_a2b`: the page reached (by the history's last step when the completion says `complete`,
 * else by the completion's own click, both read from the text) is the target: 1; else
 * exp(-d), d its shortest distance to the target over every edge (normal, back, home); 0 when
 * nothing is reached or the target cannot be reached from there.
 */
export function softA2b(world: World): RewardFunction {
  return ({ completion, prompt }) => {
    const target = promptTarget(prompt);
    const step = completion.includes('complete') ? lastHistoryStep(prompt) : completion;
    const reached = transitionTarget(world, namedPage(step), namedIcon(step));
    if (reached === undefined || target === undefined || !world.structure.pages[target]) return 0;
    if (reached === target) return 1;
    const d = distanceBetween(world, reached, target);
    return d === undefined ? 0 : Math.exp(-d);
  };
}

const TEXT_REWARDS: Record<Exclude<GelabRewardName, 'a2b' | 'a2b_wo' | 'soft_a2b'>, RewardFunction> = {
  web_action_match: webActionMatch,
  web_coordinate_match: webCoordinateMatch,
  web_coordinate_match_bbox: webCoordinateMatchBbox,
  web_intent_match: webIntentMatch,
  format_constraint: formatConstraint,
};

export function isGelabRewardName(name: string): name is GelabRewardName {
  return (GELAB_REWARD_NAMES as readonly string[]).includes(name);
}

export interface NamedReward {
  name: GelabRewardName;
  score: RewardFunction;
}

/**
 * The reward functions with these published names, in order. `world` is needed by a2b, a2b_wo and
 * soft_a2b. Unknown names (and a missing world) fail with the list of what exists.
 */
export function gelabRewards(names: readonly string[], options: { world?: World } = {}): NamedReward[] {
  if (names.length === 0) throw new Error(`no reward functions given; choose from ${GELAB_REWARD_NAMES.join(', ')}`);
  return names.map((name) => {
    if (!isGelabRewardName(name)) {
      throw new Error(`unknown reward function "${name}"; GE-Lab's are ${GELAB_REWARD_NAMES.join(', ')}`);
    }
    if (!WORLD_REWARDS.has(name)) return { name, score: TEXT_REWARDS[name as keyof typeof TEXT_REWARDS] };
    const world = options.world;
    if (!world)
      throw new Error(`reward function ${name} reads the world's transitions: give the world (ui_structure.json)`);
    const make = name === 'a2b' ? a2b : name === 'a2b_wo' ? a2bWo : softA2b;
    return { name, score: make(world) };
  });
}
