import { checkOutputApart, checkOutputFile, writeOutputFile } from '@guinav/data-gen';
import {
  type CoordsMetrics,
  type GelabStaticMetrics,
  ODYSSEY_SPLITS,
  type OdysseyMetrics,
  type OdysseySplit,
  scoreCoordsFile,
  scoreGelabFile,
  scoreOdysseyFile,
} from '@guinav/eval-env';
import { type Command, Option } from 'commander';

export const STATIC_FORMATS = ['gelab', 'odyssey', 'coords'] as const;
type StaticFormat = (typeof STATIC_FORMATS)[number];

export interface StaticOptions {
  format: StaticFormat;
  predictions: string;
  out: string;
  split?: OdysseySplit;
}

export type StaticMetrics = GelabStaticMetrics | OdysseyMetrics | CoordsMetrics;

export function registerEvalStatic(evalCommand: Command): void {
  evalCommand
    .command('static')
    .description('Score saved predictions: GE-Lab step/task accuracy, GUI-Odyssey AMS/SR, or coordinate accuracy')
    .addOption(new Option('--format <format>', 'which scorer').choices(STATIC_FORMATS).makeOptionMandatory())
    .requiredOption('--predictions <file>', 'predictions, JSONL (or a JSON array)')
    .requiredOption('--out <file>', 'where to write the metrics JSON')
    .addOption(
      new Option(
        '--split <split>',
        'odyssey: the test split (random averages AMS/SR over categories; default random)',
      ).choices(ODYSSEY_SPLITS),
    )
    .action(async (opts: StaticOptions) => {
      const metrics = await evalStatic(opts);
      for (const line of warningLines(metrics)) console.error(line);
      console.log(formatStaticSummary(opts.format, metrics));
    });
}

export async function evalStatic(opts: StaticOptions): Promise<StaticMetrics> {
  if (opts.split !== undefined && opts.format !== 'odyssey') {
    throw new Error(`--split only applies to --format odyssey (got --format ${opts.format})`);
  }
  await checkOutputFile(opts.out, '--out');
  await checkOutputApart({ label: '--out', path: opts.out, files: [opts.out] }, [
    { label: '--predictions', path: opts.predictions },
  ]);
  const metrics = await score(opts);
  await writeOutputFile(opts.out, [`${JSON.stringify(metrics, null, 2)}\n`], { label: '--out' });
  console.error(`wrote ${opts.out}`);
  return metrics;
}

function score(opts: StaticOptions): Promise<StaticMetrics> {
  switch (opts.format) {
    case 'gelab':
      return scoreGelabFile(opts.predictions);
    case 'odyssey':
      return scoreOdysseyFile(opts.predictions, opts.split ?? 'random');
    case 'coords':
      return scoreCoordsFile(opts.predictions);
  }
}

/** The scorer's warnings (odyssey), at most 10 on the terminal; all of them are in the metrics file. */
export function warningLines(m: StaticMetrics): string[] {
  const warnings = 'warnings' in m ? m.warnings : [];
  const shown = warnings.slice(0, 10).map((w) => `warning: ${w}`);
  const more = warnings.length - shown.length;
  return more > 0 ? [...shown, `warning: ... and ${more} more (see "warnings" in the metrics file)`] : shown;
}

const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}%`);

/**
 * A task counts only when all its path + 1 steps are in the file and correct, so a file with steps
 * missing (a truncated run) or repeated shows a task accuracy below the step accuracy: say why.
 */
function incompleteNote(g: GelabStaticMetrics): string {
  const n = g.taskLevel.incomplete;
  if (n === 0) return '';
  return (
    `; ${n} task(s) are incomplete (their number of records is not path + 1) and count as wrong, ` +
    'which pulls task accuracy below step accuracy'
  );
}

export function formatStaticSummary(format: StaticFormat, m: StaticMetrics): string {
  if (format === 'gelab') {
    const g = m as GelabStaticMetrics;
    return [
      `steps ${g.count}: overall ${pct(g.overall.accuracy)}, edge ${pct(g.buckets.edge.accuracy)}, ` +
        `complete ${pct(g.buckets.complete.accuracy)}, w/o ${pct(g.buckets['w/o'].accuracy)}`,
      `by path length: ${Object.entries(g.byPathLength)
        .map(([k, a]) => `${k} ${pct(a.accuracy)}`)
        .join(', ')}`,
      `task level: ${pct(g.taskLevel.overall.accuracy)} of ${g.taskLevel.overall.count} tasks${incompleteNote(g)}`,
    ].join('\n');
  }
  if (format === 'odyssey') {
    const o = m as OdysseyMetrics;
    return `steps ${o.count}, episodes ${o.episodes}: AMS ${pct(o.AMS)}, SR ${pct(o.SR)} (${o.split} split, ${o.averaging})`;
  }
  const c = m as CoordsMetrics;
  return `records ${c.count}: accuracy ${pct(c.overall.accuracy)}, points ${pct(c.points.accuracy)}, unparseable ${c.unparseable}`;
}
