/**
 * `guinav export --format swift|trl`: the datasets data-gen wrote, as ms-swift or TRL take them,
 * with ready launch scripts and configs for multi-GPU training (DeepSpeed ZeRO-2), in one folder
 * written atomically.
 */
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { checkOutputApart, checkOutputDir, jsonLinesChunks, writeChunks, writeOutputDir } from '@guinav/data-gen';
import { type Command, Option } from 'commander';
import { readExportExamples } from '../export/examples.js';
import { DEFAULT_EXPORT_MODEL, type ExportFile, type ExportSettings } from '../export/settings.js';
import { swiftFiles } from '../export/swift.js';
import { trlFiles } from '../export/trl.js';
import { interruptible } from '../interrupt.js';

export const EXPORT_FORMATS = ['swift', 'trl'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends ExportSettings {
  format: ExportFormat;
  data: string;
  out: string;
}

const WRITERS = { swift: swiftFiles, trl: trlFiles } as const;

export async function runExport(opts: ExportOptions): Promise<ExportFile[]> {
  await checkOutputDir(opts.out, '--out');
  const examples = await readExportExamples(opts.data);
  const files = WRITERS[opts.format](examples, { model: opts.model });
  await checkOutputApart({ label: '--out', path: opts.out, files: files.map((f) => path.join(opts.out, f.name)) }, [
    { label: '--data', path: opts.data },
  ]);
  await interruptible((signal) =>
    writeOutputDir(
      opts.out,
      async (staging) => {
        for (const file of files) {
          const target = path.join(staging, file.name);
          await writeChunks(target, 'records' in file ? jsonLinesChunks(file.records) : [file.text], { signal });
          if ('executable' in file && file.executable) await chmod(target, 0o755);
        }
      },
      { signal, label: '--out' },
    ),
  );
  console.error(`read ${examples.description}`);
  return files;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write the datasets for ms-swift or TRL, with launch scripts and configs for multi-GPU training')
    .addOption(new Option('--format <format>', 'trainer').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--data <path>', 'a guinav data gelab folder (sft.json, dpo.jsonl) or a preference JSONL file')
    .requiredOption('--out <dir>', 'output folder')
    .option('--model <name>', 'model the scripts train by default (Hub id or local folder)', DEFAULT_EXPORT_MODEL)
    .action(async (opts: ExportOptions) => {
      const files = await runExport(opts);
      const scripts = files.filter((f) => f.name.endsWith('.sh')).map((f) => `bash ${path.join(opts.out, f.name)}`);
      console.log(
        `wrote ${files.map((f) => f.name).join(', ')} to ${opts.out}\nrun: ${scripts.join(' && ')} (see ${path.join(opts.out, 'README.md')})`,
      );
    });
}
