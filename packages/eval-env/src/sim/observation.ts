import type { ChatMessage, HistoryStep, ObservationMode, ScreenElement } from '@guinav/data-gen';
import type { NavigationGoal } from './episode.js';
import type { Screenshot } from './screenshots.js';

/** What an agent sees before each step. */
export interface Observation {
  task: Readonly<NavigationGoal>;
  mode: ObservationMode;
  /** The current page (its id is also the title drawn on the screenshot and the first line of the text view). */
  page: string;
  /** 0-based index of the step about to be taken (= steps taken so far, misses included). */
  step: number;
  /** `Instruction: from S to T.` */
  instruction: string;
  /** The history as the prompt shows it: `Null`, or `step1: click A icon on page_3.step2: ...` */
  history: string;
  /**
   * The steps behind `history`: every click that changed the page, with the icon hit and the page
   * it was on (under the `rollout` history rule: every answer, with the icon it named).
   */
  historySteps: readonly HistoryStep[];
  /** The page's elements with their boxes on the 0..1000 scale. */
  elements: readonly ScreenElement[];
  /** The elements as the text view shows them (`Screen: page_3\nElements ...`). */
  textView: string;
  /** The current screenshot; absent in `text` mode. */
  screenshot?: Screenshot;
  /** The prompt, from data-gen's prompt builder: exactly what the dataset shows a model at this point. */
  messages: readonly ChatMessage[];
}
