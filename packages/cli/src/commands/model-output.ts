/** The output folder of the commands that write a whole model folder (quantize, merge). */
import fs from 'node:fs';
import { checkOutputApart, checkOutputDir, type FlaggedPath } from '@guinav/data-gen';

/** `--out` must be new or empty and apart from the inputs (not one of them, not inside one). */
export async function checkNewModelFolder(out: string, inputs: readonly FlaggedPath[]): Promise<void> {
  await checkOutputApart({ label: '--out', path: out, files: [] }, inputs);
  await checkOutputDir(out, '--out');
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new Error(`--out ${out}: is not empty; give a new or empty folder (a model folder is written whole)`);
  }
}
