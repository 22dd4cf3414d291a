/** What long library work reports: a phase name and how far it got. The CLI draws it. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

export type OnProgress = (event: ProgressEvent) => void;
