/**
 * The files `guinav data gelab` writes into its output folder, by role: the names the published
 * GE-Lab pipeline uses (`dpo.jsonl` only with --dpo). Writers, the CLI and tests take the names
 * from here; nothing else spells them.
 */
export const GELAB_OUTPUT_FILES = {
  sft: 'sft.json',
  iconCaptioning: 'icon_captioning.json',
  iconGrounding: 'icon_grounding.json',
  stRl: 'st_rl.json',
  mtRl: 'mt_rl.json',
  test: 'test.json',
  tasksTest: 'tasks_test.json',
  stats: 'stats.json',
  dpo: 'dpo.jsonl',
} as const;

export type GelabOutputFile = (typeof GELAB_OUTPUT_FILES)[keyof typeof GELAB_OUTPUT_FILES];

/** Every name, in the order above (e.g. for help texts and listings). */
export const GELAB_OUTPUT_FILE_NAMES: readonly GelabOutputFile[] = Object.values(GELAB_OUTPUT_FILES);
