export {
  type PreferencePair,
  type PromptCompletion,
  readPreferencePairs,
  readPromptCompletions,
  readRecords,
  toPreferencePair,
  toPromptCompletion,
} from './records.js';
export { type TokenizeOptions, tokenizePreference, tokenizePromptCompletion } from './tokenize.js';
export type { PreferenceExampleIds } from './types.js';
