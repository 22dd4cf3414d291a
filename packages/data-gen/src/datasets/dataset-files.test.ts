import { describe, expect, it } from 'vitest';
import { GELAB_OUTPUT_FILE_NAMES } from './dataset-files.js';

describe('GELAB_OUTPUT_FILES', () => {
  it('are the file names of the published GE-Lab pipeline (ms-swift reads them by these names)', () => {
    expect(GELAB_OUTPUT_FILE_NAMES).toEqual([
      'sft.json',
      'icon_captioning.json',
      'icon_grounding.json',
      'st_rl.json',
      'mt_rl.json',
      'test.json',
      'tasks_test.json',
      'stats.json',
      'dpo.jsonl',
    ]);
  });
});
