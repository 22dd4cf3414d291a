/**
 * What long-running work reports, in every package: a phase name (`render`, `datasets`, `write`,
 * `episodes`, ...) and how far it got. The CLI draws it; libraries only emit it.
 */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
  /** Extra figures worth showing next to the count, e.g. `{ success: '71.2%' }`. */
  info?: Record<string, string | number>;
}

export type OnProgress = (event: ProgressEvent) => void;
