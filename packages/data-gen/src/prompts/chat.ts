/** A chat turn in the ms-swift / OpenAI `messages` format. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The placeholder ms-swift replaces with the record's image. */
export const IMAGE_TOKEN = '<image>';

/** What the agent is shown: the screenshot, the element list as text, or both. */
export type ObservationMode = 'image' | 'text' | 'both';
export const OBSERVATION_MODES: readonly ObservationMode[] = ['image', 'text', 'both'];
