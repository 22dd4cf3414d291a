/**
 * A model folder's weights: `model.safetensors`, or shards `model-00001-of-0000N.safetensors`
 * listed by `model.safetensors.index.json` (`{"metadata": {"total_size": bytes}, "weight_map":
 * {tensor: file}}`), read lazily as one tensor source, and written the way transformers'
 * save_pretrained writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TensorMeta } from '../../kernels/define.js';
import type { TensorSource } from '../../nn/state-dict.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { readJsonFile } from '../files.js';
import { SafetensorsFile } from './reader.js';
import { layoutSafetensors, type TensorToWrite, writeSafetensors } from './writer.js';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';

const IndexSchema = z.object({
  metadata: z.object({ total_size: z.number().nonnegative() }).loose().optional(),
  weight_map: z.record(z.string(), z.string()),
});

/** The weights of a model folder as one lazily read tensor source. */
export class CheckpointFolder implements TensorSource {
  private constructor(
    readonly name: string,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly where: Map<string, SafetensorsFile>,
  ) {}

  static open(dir: string): CheckpointFolder {
    const indexPath = path.join(dir, SAFETENSORS_INDEX);
    if (fs.existsSync(indexPath)) return CheckpointFolder.openSharded(dir, indexPath);
    const single = path.join(dir, SAFETENSORS_FILE);
    if (!fs.existsSync(single)) {
      const pickle = ['pytorch_model.bin', 'pytorch_model.bin.index.json'].some((f) =>
        fs.existsSync(path.join(dir, f)),
      );
      throw new Error(
        `${dir}: no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX}` +
          (pickle
            ? ' (only PyTorch .bin weights: guinav reads safetensors; convert them once with transformers, ' +
              'from_pretrained(dir).save_pretrained(dir, safe_serialization=True))'
            : ' (is this a Hugging Face model folder?)'),
      );
    }
    const file = SafetensorsFile.open(single);
    return new CheckpointFolder(dir, new Map([[single, file]]), new Map(file.keys().map((k) => [k, file])));
  }

  private static openSharded(dir: string, indexPath: string): CheckpointFolder {
    const json = readJsonFile(indexPath);
    const parsed = IndexSchema.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`${indexPath}: field "${i.path.join('.')}": ${i.message}`);
    }
    const files = new Map<string, SafetensorsFile>();
    const where = new Map<string, SafetensorsFile>();
    try {
      for (const [tensor, shard] of Object.entries(parsed.data.weight_map)) {
        if (shard.includes('/') || shard.includes('\\'))
          throw new Error(`${indexPath}: shard "${shard}" must be a file name in ${dir}`);
        const p = path.join(dir, shard);
        let file = files.get(p);
        if (!file) {
          if (!fs.existsSync(p)) throw new Error(`${indexPath}: tensor ${tensor} is in ${shard}, which does not exist`);
          file = SafetensorsFile.open(p);
          files.set(p, file);
        }
        if (!file.has(tensor))
          throw new Error(`${indexPath}: tensor ${tensor} is listed in ${shard}, which does not hold it`);
        where.set(tensor, file);
      }
    } catch (err) {
      for (const f of files.values()) f.close();
      throw err;
    }
    return new CheckpointFolder(dir, files, where);
  }

  keys(): string[] {
    return [...this.where.keys()];
  }

  private file(key: string): SafetensorsFile {
    const f = this.where.get(key);
    if (!f) throw new Error(`${this.name}: no tensor named ${key}`);
    return f;
  }

  meta(key: string): TensorMeta {
    return this.file(key).meta(key);
  }

  read(key: string): TypedArray {
    return this.file(key).read(key);
  }

  /** Bytes of the tensor's data in its file. */
  byteLength(key: string): number {
    const e = this.file(key).entry(key);
    return e.end - e.begin;
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }
}

export interface WriteCheckpointOptions {
  /** Largest shard in bytes before splitting (transformers' max_shard_size; default 5 GB). */
  maxShardBytes?: number;
  metadata?: Record<string, string>;
}

/**
 * Writes tensors as `model.safetensors`, or as numbered shards plus the index when they exceed
 * `maxShardBytes` (a tensor larger than that gets a shard of its own). Each file is atomic; the
 * index is written last, so a folder with an index is complete. Returns the files written.
 */
export async function writeCheckpointFolder(
  dir: string,
  tensors: readonly TensorToWrite[],
  options: WriteCheckpointOptions = {},
): Promise<string[]> {
  const max = options.maxShardBytes ?? 5e9;
  const metadata = options.metadata ?? { format: 'pt' };
  const sizes = layoutSafetensors(tensors, metadata).entries.map((e) => e.end - e.begin);
  const shards: TensorToWrite[][] = [[]];
  let current = 0;
  tensors.forEach((t, i) => {
    const size = sizes[i]!;
    if (current > 0 && current + size > max) {
      shards.push([]);
      current = 0;
    }
    shards[shards.length - 1]!.push(t);
    current += size;
  });
  fs.mkdirSync(dir, { recursive: true });
  if (shards.length === 1) {
    fs.rmSync(path.join(dir, SAFETENSORS_INDEX), { force: true });
    await writeSafetensors(path.join(dir, SAFETENSORS_FILE), tensors, { metadata });
    removeStaleShards(dir, []);
    return [SAFETENSORS_FILE];
  }
  const n = String(shards.length).padStart(5, '0');
  const names = shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${n}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    await writeSafetensors(path.join(dir, names[i]!), shard, { metadata });
    for (const t of shard) weightMap[t.name] = names[i]!;
  }
  const sorted = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const index = { metadata: { total_size: sizes.reduce((a, b) => a + b, 0) }, weight_map: sorted };
  const tmp = path.join(dir, `.${SAFETENSORS_INDEX}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, `${JSON.stringify(index, null, 2)}\n`);
  fs.renameSync(tmp, path.join(dir, SAFETENSORS_INDEX));
  fs.rmSync(path.join(dir, SAFETENSORS_FILE), { force: true });
  removeStaleShards(dir, names);
  return [...names, SAFETENSORS_INDEX];
}

/** Shards of an earlier save that the new one does not use (as save_pretrained cleans them up). */
function removeStaleShards(dir: string, keep: readonly string[]): void {
  for (const name of fs.readdirSync(dir)) {
    if (/^model-\d{5}-of-\d{5}\.safetensors$/.test(name) && !keep.includes(name)) fs.rmSync(path.join(dir, name));
  }
}
