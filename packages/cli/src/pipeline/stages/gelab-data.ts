/**
 * The GE-Lab side of a run's data: the seeded world with its screenshots, the published datasets
 * (sft.json, test.json, tasks_test.json, ..., dpo.jsonl), and the pipeline's own evaluation sets:
 * the in-distribution test (the SFT subtrees' steps in test format with points drawn afresh),
 * a smaller validation set drawn the same way with another seed (it picks the best checkpoint
 * during training), and the DPO pairs split into training and held-out pairs.
 */
import path from 'node:path';
import {
  GELAB_OUTPUT_FILES,
  type GelabTestRecord,
  gelabTestRecords,
  imagePathOf,
  loadWorld,
  type OnProgress,
  parseOutputSize,
  WORLD_PRESETS,
  writeGelabDatasets,
  writeGeneratedWorld,
} from '@guinav/data-gen';
import { readJsonFile } from '@guinav/trainer-core';
import { type PipelineConfig, runObservation } from '../config.js';
import type { RunFolder } from '../run-folder.js';
import { heldOutShare, readJsonLines, spread, writeJsonArray, writeJsonLines } from './data-files.js';

/** The pipeline's files beside the published ones in `data/`. */
export const PIPELINE_DATA_FILES = {
  idTest: 'id_test.json',
  validation: 'validation.json',
  dpoTrain: 'dpo_train.jsonl',
  dpoEval: 'dpo_eval.jsonl',
} as const;

interface StageIo {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

export async function buildWorld(run: RunFolder, config: PipelineConfig, io: StageIo): Promise<string> {
  const d = config.data;
  const nodesPerLevel = d.nodes_per_level ?? WORLD_PRESETS[d.preset];
  const written = await writeGeneratedWorld({
    outDir: run.world,
    nodesPerLevel,
    seed: config.seed,
    ...(d.nodes_per_level ? {} : { preset: d.preset }),
    render: { size: parseOutputSize(d.image_size) },
    onProgress: io.onProgress,
    signal: io.signal,
  });
  return `${written.world.pageIds.length} pages (nodes per level ${nodesPerLevel.join(',')}), screenshots ${d.image_size}`;
}

export async function buildGelabData(run: RunFolder, config: PipelineConfig, io: StageIo): Promise<string> {
  const d = config.data;
  const { stats } = await writeGelabDatasets({
    uiStructure: run.uiStructure,
    imagesDir: run.images,
    outDir: run.data,
    split: { sftSubtrees: d.sft_subtrees, rlSubtrees: d.rl_subtrees, testSubtree: d.test_subtree },
    seed: config.seed,
    imagePaths: 'absolute',
    dpo: d.dpo_strategies ?? true,
    observation: runObservation(config),
    ...(d.icon_samples !== null ? { iconSamples: d.icon_samples } : {}),
    onProgress: io.onProgress,
    signal: io.signal,
  });
  io.signal?.throwIfAborted();
  const world = await loadWorld(run.uiStructure);
  const imageOf = imagePathOf(world, run.images, run.data, 'absolute');
  const observation = runObservation(config);
  const inDistribution = (seed: number) => gelabTestRecords(world, d.sft_subtrees, { seed, imageOf, observation });
  const idTest = spread(inDistribution(config.seed), config.eval.id_records);
  const validation = spread(inDistribution(config.seed + 1), config.eval.validation_records);
  await writeJsonArray(path.join(run.data, PIPELINE_DATA_FILES.idTest), idTest);
  await writeJsonArray(path.join(run.data, PIPELINE_DATA_FILES.validation), validation);
  const pairs = readJsonLines(path.join(run.data, GELAB_OUTPUT_FILES.dpo));
  const heldOut = heldOutShare(config.seed, d.dpo_eval_fraction);
  const dpoEval = pairs.filter((_, i) => heldOut(i));
  const dpoTrain = pairs.filter((_, i) => !heldOut(i));
  await writeJsonLines(path.join(run.data, PIPELINE_DATA_FILES.dpoTrain), dpoTrain);
  await writeJsonLines(path.join(run.data, PIPELINE_DATA_FILES.dpoEval), dpoEval);
  const counts = stats.files;
  return (
    `sft ${counts[GELAB_OUTPUT_FILES.sft]} records, in-distribution test ${idTest.length}, ` +
    `test subtree ${counts[GELAB_OUTPUT_FILES.test]} steps / ${counts[GELAB_OUTPUT_FILES.tasksTest]} tasks, ` +
    `DPO pairs ${dpoTrain.length} + ${dpoEval.length} held out`
  );
}

/** The test-format records of a data folder's file (in-distribution, validation or the test subtree). */
export function readTestRecords(file: string): GelabTestRecord[] {
  return readJsonFile(file) as GelabTestRecord[];
}
