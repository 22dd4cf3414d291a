/**
 * The GUI-Odyssey flow: synthetic episodes in the released format (or a given dataset root), the
 * pipeline data of its split, and AMS / SR on the test split; no interactive part.
 */
import path from 'node:path';
import {
  DEFAULT_SYNTHETIC_WIDTH,
  ODYSSEY_PIPELINE_FILES,
  type OdysseyTestRecord,
  readOdysseyTrainTest,
} from '@guinav/data-gen';
import { readJsonFile } from '@guinav/trainer-core';
import type { OdysseyStageSummary } from '../odyssey-summary.js';
import { ODYSSEY_TABLE } from '../report/odyssey-table.js';
import { evaluateOdysseyStage, odysseyStepAccuracy } from '../stages/evaluate-odyssey.js';
import { buildEpisodes, buildOdysseyData, ODYSSEY_RUN_FILES } from '../stages/odyssey-data.js';
import { trainingData } from '../stages/train-stage.js';
import { type DatasetFlow, pct } from './flow.js';

export const ODYSSEY_FLOW: DatasetFlow<OdysseyStageSummary> = {
  // Given episodes are read and validated under their split before anything is written.
  preflight: async (config) => {
    if (config.data.episodes !== null) await readOdysseyTrainTest(config.data.episodes, config.data.split ?? undefined);
  },
  source: { name: 'episodes', run: (c, io) => buildEpisodes(c.run, c.config, io) },
  data: (c, io) => buildOdysseyData(c.run, c.config, io),
  training: (run, config) => {
    const validation = path.join(run.data, ODYSSEY_RUN_FILES.validation);
    const files = {
      sft: path.join(run.data, ODYSSEY_RUN_FILES.sftTrain),
      dpoTrain: path.join(run.data, ODYSSEY_RUN_FILES.dpoTrain),
      dpoEval: path.join(run.data, ODYSSEY_RUN_FILES.dpoEval),
      validation,
    };
    return trainingData(files, readJsonFile(validation) as OdysseyTestRecord[], config, odysseyStepAccuracy);
  },
  evaluatedRecords: (run) => path.join(run.data, ODYSSEY_PIPELINE_FILES.test),
  evaluate: (c, stage, model, io) => evaluateOdysseyStage(c.run, stage, model, io),
  note: (s) => `AMS ${pct(s.ams)}, SR ${pct(s.sr)} on the test split`,
  table: ODYSSEY_TABLE,
  facts: (c) => {
    const d = c.config.data;
    const source =
      d.episodes === null
        ? `${d.synthetic_episodes} synthetic episodes in the GUI-Odyssey format (a simulated phone, seed ${c.config.seed}; not GUI-Odyssey data: figures on them say nothing about the benchmark)`
        : `GUI-Odyssey episodes of ${d.episodes}`;
    return [`episodes: ${source}; split ${d.split ?? 'random'}; test split scored by the official AMS / SR rules`];
  },
  replays: async () => null,
  manifest: (config) => {
    const d = config.data;
    return {
      dataset: 'odyssey',
      episodes:
        d.episodes === null
          ? {
              source: 'synthetic',
              count: d.synthetic_episodes,
              seed: config.seed,
              width: d.synthetic_width ?? DEFAULT_SYNTHETIC_WIDTH,
              dir: 'episodes',
            }
          : { source: 'folder', dir: path.resolve(d.episodes) },
      split: d.split ?? 'random',
      seeds: { episodes: config.seed, data: config.seed, validation: config.seed, training: config.seed },
    };
  },
};
