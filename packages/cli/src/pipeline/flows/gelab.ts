/** The GE-Lab flow: a generated world, GE-Lab's datasets, static and interactive evaluation. */
import path from 'node:path';
import { GELAB_OUTPUT_FILES } from '@guinav/data-gen';
import { stepAccuracy } from '../evaluate/static-eval.js';
import { GELAB_TABLE } from '../report/gelab-table.js';
import { evaluateGelabStage } from '../stages/evaluate-gelab.js';
import { buildGelabData, buildWorld, PIPELINE_DATA_FILES, readTestRecords } from '../stages/gelab-data.js';
import { drawReplays } from '../stages/report-stage.js';
import { trainingData } from '../stages/train-stage.js';
import type { StageSummary } from '../summary.js';
import { type DatasetFlow, pct } from './flow.js';

export const GELAB_FLOW: DatasetFlow<StageSummary> = {
  preflight: async () => {},
  source: { name: 'world', run: (c, io) => buildWorld(c.run, c.config, io) },
  data: (c, io) => buildGelabData(c.run, c.config, io),
  training: (run, config) => {
    const validation = path.join(run.data, PIPELINE_DATA_FILES.validation);
    const files = {
      sft: path.join(run.data, GELAB_OUTPUT_FILES.sft),
      dpoTrain: path.join(run.data, PIPELINE_DATA_FILES.dpoTrain),
      dpoEval: path.join(run.data, PIPELINE_DATA_FILES.dpoEval),
      validation,
    };
    return trainingData(files, readTestRecords(validation), config, stepAccuracy);
  },
  rl: (run) => ({
    records: { st: path.join(run.data, GELAB_OUTPUT_FILES.stRl), mt: path.join(run.data, GELAB_OUTPUT_FILES.mtRl) },
    uiStructure: run.uiStructure,
    imagesDir: run.images,
  }),
  evaluatedRecords: (run) => path.join(run.data, PIPELINE_DATA_FILES.idTest),
  evaluate: (c, stage, model, io) => evaluateGelabStage(c.run, c.config, stage, model, io),
  note: (summary) => {
    const pass = summary.interactivePass1.all;
    return `step accuracy ${pct(summary.staticStepAccuracy)} in distribution, ${pct(summary.oodStaticStepAccuracy)} on the test subtree${pass === undefined ? '' : `, Pass@1 ${pct(pass)}`}`;
  },
  table: GELAB_TABLE,
  facts: (c) => {
    const d = c.config.data;
    return [
      `world: ${d.nodes_per_level ? `nodes per level ${d.nodes_per_level.join(',')}` : `preset ${d.preset}`}, seed ${c.config.seed}; SFT subtrees ${d.sft_subtrees.join(',')}, test subtree ${d.test_subtree}`,
    ];
  },
  replays: (run, stages, count) => drawReplays(run, stages, count),
  manifest: () => ({}),
};
