/**
 * GE-Lab's RL records (`st_rl.json`: one per step; `mt_rl.json`: one per task, its first step),
 * as `guinav data gelab` and the published release write them: `image, problem, solution,
 * bbox_norm` (+ `task`, `path`, `source`). Every record is checked before training starts; errors
 * name the file, the record and the field. Screenshot paths are resolved as data-gen writes them:
 * absolute, relative to the dataset's folder (`--image-paths relative`), or relative to the
 * working directory (`as-given`, the published layout).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readRecords } from '@guinav/trainer-core';
import { z } from 'zod';

const RlRecordSchema = z
  .object({
    image: z.string().min(1),
    problem: z.string().min(1),
    solution: z.string(),
    /** `[]` is GE-Lab's "no box" (web_coordinate_match_bbox scores it 1). */
    bbox_norm: z.union([z.tuple([z.number(), z.number(), z.number(), z.number()]), z.tuple([])]).optional(),
    task: z.string().optional(),
  })
  .loose();

export interface RlRecord {
  /** `file#index`, for messages. */
  where: string;
  /** The screenshot, resolved. */
  image: string;
  problem: string;
  solution: string;
  bboxNorm?: readonly number[];
  /** Source and target pages (from `task`, else from the prompt's instruction). */
  source?: string;
  target?: string;
}

const TASK = /^From (\S+) to (\S+)$/;
const INSTRUCTION = /Instruction: from (\S+) to (\S+?)\./;

function resolveImage(file: string, image: string, where: string): string {
  const candidates = path.isAbsolute(image) ? [image] : [path.resolve(path.dirname(file), image), path.resolve(image)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`${where}: field "image": ${image} not found (looked for ${candidates.join(' and ')})`);
  return found;
}

/** The records of an st_rl.json / mt_rl.json file (a JSON array or JSONL). */
export function readRlRecords(file: string): RlRecord[] {
  const raw = readRecords(file);
  if (raw.length === 0) throw new Error(`${file}: no records`);
  return raw.map((value, i) => {
    const where = `${file}#${i}`;
    const parsed = RlRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${where}: field "${issue.path.join('.') || '(record)'}": ${issue.message}`);
    }
    const r = parsed.data;
    const pages = TASK.exec(r.task ?? '') ?? INSTRUCTION.exec(r.problem);
    return {
      where,
      image: resolveImage(file, r.image, where),
      problem: r.problem,
      solution: r.solution,
      ...(r.bbox_norm ? { bboxNorm: r.bbox_norm } : {}),
      ...(pages ? { source: pages[1], target: pages[2] } : {}),
    };
  });
}
