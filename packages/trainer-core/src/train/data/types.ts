export type { PreferencePair, PromptCompletion } from './records.js';

/** A preference pair as token ids (the dpo package's PreferenceExample has this shape). */
export interface PreferenceExampleIds {
  prompt: Int32Array;
  chosen: Int32Array;
  rejected: Int32Array;
}
