/** One problem found in a world file: where (a dotted path into the JSON) and what was expected. */
export interface WorldIssue {
  path: string;
  message: string;
}

/** A world file failed validation; the message lists every issue (up to a limit) with its path. */
export class WorldValidationError extends Error {
  constructor(
    readonly source: string,
    readonly issues: WorldIssue[],
  ) {
    const shown = issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`);
    const more = issues.length > shown.length ? [`  ... and ${issues.length - shown.length} more`] : [];
    super([`${source}: invalid world (${issues.length} issue(s))`, ...shown, ...more].join('\n'));
    this.name = 'WorldValidationError';
  }
}
