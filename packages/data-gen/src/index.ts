// World schema and loading

// Action grammar
export {
  type NormBbox,
  normalizeBbox,
  normalizeCoordinate,
  type Point,
  pointInBbox,
  roundHalfEven,
} from './actions/coords.js';
export {
  formatGelabAction,
  formatGelabClick,
  formatGelabClickBox,
  formatGelabGroundingAnswer,
  GELAB_COMPLETE_TEXT,
  type GelabAction,
  type GelabClick,
  type GelabComplete,
  type GelabInvalid,
  type ParsedGelabAction,
  parseGelabAction,
  stripThinking,
} from './actions/gelab.js';
export {
  formatOdysseyAction,
  ODYSSEY_ACTION_TYPES,
  type OdysseyAction,
  type OdysseyActionType,
  parseOdysseyAction,
  SCROLL_DIRECTIONS,
  type ScrollDirection,
  scrollDirection,
} from './actions/odyssey.js';
export { type DecodedOdysseyAction, decodeOdysseyAction } from './actions/odyssey-decode.js';
export {
  CLICK_RADIUS,
  type MatchVerdict,
  matchOdysseyAction,
  type StepMatch,
  TEXT_SIMILARITY_THRESHOLD,
  textMatches,
} from './actions/odyssey-match.js';
export { evalPythonLiteral, PythonEvalError, type PyValue } from './actions/python-literal.js';
export { PY_DIGIT, PY_SPACE, PY_WORD, pyDecimalInt, pyStrip } from './actions/python-text.js';
export { GELAB_OUTPUT_FILE_NAMES, GELAB_OUTPUT_FILES, type GelabOutputFile } from './datasets/dataset-files.js';
// GE-Lab datasets
export {
  buildGelabDatasets,
  DEFAULT_GELAB_SEED,
  DEFAULT_GELAB_SPLIT,
  type GelabDatasetOptions,
  type GelabDatasets,
  type GelabSplit,
  type GelabStats,
  gelabTestRecords,
  type SubtreeStats,
  validateSplit,
} from './datasets/gelab-datasets.js';
export {
  applicableStrategies,
  GELAB_DPO_STRATEGIES,
  type GelabDpoRecord,
  type GelabDpoStrategy,
  gelabDpoPairs,
  rejectGelabSample,
} from './datasets/gelab-dpo.js';
export {
  type GelabRlRecord,
  type GelabSftRecord,
  type GelabTestRecord,
  gelabTaskName,
  type ImagePathOf,
  rlRecord,
  sftRecord,
  testRecord,
} from './datasets/gelab-records.js';
export {
  captioningRecords,
  chooseOccurrences,
  groundingRecords,
  type IconOccurrence,
  iconOccurrences,
} from './datasets/icon-samples.js';
export {
  checkGelabSize,
  GELAB_BYTES_PER_ICON_SAMPLE,
  GELAB_BYTES_PER_TASK,
  gelabTaskCount,
} from './datasets/size-limits.js';
export {
  checkScreenshots,
  imagePathOf,
  type WriteGelabDatasetsOptions,
  writeGelabDatasets,
} from './datasets/write-gelab.js';
// Progress and outputs
export { mapLimit } from './io/concurrency.js';
export { checkImageFiles, type ImageCheck, imageFileProblem, listSome } from './io/image-files.js';
export { IMAGE_PATH_STYLES, type ImagePathStyle, styledImagePath } from './io/image-paths.js';
export { checkOutputApart, type FlaggedPath, type PlannedOutput } from './io/inputs-apart.js';
export { jsonArrayChunks, jsonArrayText, jsonLinesChunks, jsonLinesText } from './io/json-files.js';
export {
  formatJsonPath,
  type JsonPosition,
  JsonSyntaxError,
  jsonPathPosition,
  MAX_JSON_DEPTH,
  parseJson,
  positionAt,
} from './io/json-text.js';
export { checkFitsInMemory, formatBytes, heapLimitBytes } from './io/memory.js';
export { checkOutputDir, checkOutputFile, type OutputOptions, writeOutputDir } from './io/output-dir.js';
export { writeOutputFile } from './io/output-file.js';
export type { OnProgress, ProgressEvent } from './io/progress.js';
export { removeStagingNow } from './io/staging.js';
export { decodeUtf8, InvalidUtf8Error, readTextFile } from './io/text-files.js';
export { writeChunks } from './io/write-chunks.js';
export { ODYSSEY_ROOT_DIRS, splitFileName } from './odyssey/dataset-root.js';
// GUI-Odyssey episodes and DPO pairs
export {
  AMS_CLICK_RADIUS,
  type MinDistance,
  ODYSSEY_DPO_STRATEGIES,
  type OdysseyDpoStrategy,
  type RejectionContext,
  rejectOdysseyStep,
  strategyApplies,
} from './odyssey/dpo-strategies.js';
export {
  ODYSSEY_CATEGORIES,
  type OdysseyCategory,
  OdysseyEpisode,
  OdysseyPoint,
  OdysseySplits,
  OdysseyStep,
} from './odyssey/episode-schema.js';
export {
  buildOdysseyDpoPairs,
  DEFAULT_ODYSSEY_SEED,
  DEFAULT_ODYSSEY_SIGMA,
  type OdysseyDpoOptions,
  type OdysseyDpoRecord,
  type OdysseyDpoResult,
  type WriteOdysseyDpoOptions,
  writeOdysseyDpo,
} from './odyssey/odyssey-dpo.js';
export {
  ODYSSEY_PIPELINE_FILES,
  type OdysseyPipelineData,
  type OdysseyPipelineDataOptions,
  type OdysseyPipelineStats,
  type OdysseyTrainTest,
  readOdysseyTrainTest,
  writeOdysseyPipelineData,
} from './odyssey/pipeline-data.js';
export {
  type OdysseySftRecord,
  type OdysseySubsetStats,
  type OdysseyTestRecord,
  odysseySftRecords,
  odysseySubsetStats,
  odysseyTestRecords,
} from './odyssey/pipeline-records.js';
export {
  annotationsDir,
  type EpisodeIssue,
  type LoadedEpisode,
  OdysseyValidationError,
  parseOdysseyEpisode,
  type ReadEpisodesOptions,
  readOdysseyEpisodes,
  readOdysseySplits,
} from './odyssey/read-episodes.js';
export { checkOdysseyScreenshots, defaultScreenshotsDir } from './odyssey/screenshots.js';
export {
  DEFAULT_SYNTHETIC_EPISODES,
  DEFAULT_SYNTHETIC_JITTER,
  DEFAULT_SYNTHETIC_SEED,
  generateSyntheticOdyssey,
  ODYSSEY_SPLIT_NAMES,
  type OdysseySplitName,
  type SimulatedEpisode,
  type SimulatedShot,
  SYNTHETIC_PHONES,
  type SyntheticOdyssey,
  type SyntheticOdysseyOptions,
  type TrainTestSplit,
} from './odyssey/sim/episodes.js';
export {
  DEFAULT_SYNTHETIC_WIDTH,
  readSyntheticManifest,
  SYNTHETIC_MANIFEST,
  type SyntheticManifest,
  type WriteSyntheticOdysseyOptions,
  type WrittenSyntheticOdyssey,
  writeSyntheticOdysseyEpisodes,
} from './odyssey/sim/write.js';
export { type StepAction, stepAction } from './odyssey/step-action.js';
export { type OdysseyStepView, odysseyStepViews, type StepViewOptions } from './odyssey/step-views.js';
export { type SyntheticEpisode, syntheticOdysseyEpisodes, writeSyntheticOdyssey } from './odyssey/synthetic.js';
// Prompts
export { type ChatMessage, IMAGE_TOKEN, OBSERVATION_MODES, type ObservationMode } from './prompts/chat.js';
export {
  GELAB_SYSTEM_PROMPT,
  type GelabPromptInput,
  gelabCaptionPrompt,
  gelabGroundingPrompt,
  gelabHistory,
  gelabInstruction,
  gelabMessages,
  gelabTextView,
  gelabUserPrompt,
  type HistoryStep,
  type HistoryStyle,
  hasGelabTextView,
  type ScreenElement,
} from './prompts/gelab.js';
export {
  ODYSSEY_HISTORY_LENGTH,
  ODYSSEY_PROMPT_FORMATS,
  type OdysseyPromptFormat,
  type OdysseyPromptInput,
  odysseyDpoPrompt,
  odysseyOfficialPrompt,
  odysseyPrompt,
} from './prompts/odyssey.js';
// Random streams
export { DataRng, hash32, mix32 } from './random/data-rng.js';
// Screenshots
export { loadIconDataUris, scanIconFolder } from './render/icon-folder.js';
export { DEFAULT_OUTPUT_SIZE, fitOutputSize, type OutputSize, parseOutputSize } from './render/output-size.js';
export { type IconArtwork, imageArtwork, pageSvg } from './render/page-svg.js';
export { ICON_SHAPES, proceduralIconSvg } from './render/procedural-icons.js';
export {
  imageFileName,
  RENDER_MANIFEST,
  RENDERER_VERSION,
  type RenderWorldOptions,
  type RenderWorldResult,
  renderWorld,
} from './render/render-world.js';
// Tasks: shortest paths, per-step samples, task files
export {
  centerPointPicker,
  type NavigationSample,
  type PathSampleOptions,
  type PointPicker,
  pathSamples,
  randomPointInBbox,
  randomPointPicker,
} from './tasks/path-samples.js';
export {
  distanceBetween,
  type EdgeKind,
  type NavigationEdge,
  optimalEdges,
  orderedEdges,
  type PathStep,
  pathInTree,
  type ShortestPathTree,
  type SubtreeTask,
  shortestPath,
  shortestPathTree,
  subtreeEdges,
  subtreeTaskPages,
  subtreeTasks,
} from './tasks/shortest-paths.js';
export { loadTasksFile, NavigationTask, TasksFile } from './tasks/tasks-file.js';
export { type WorldIssue, WorldValidationError } from './world/errors.js';
export { type GenerateWorldOptions, generateWorld } from './world/generate.js';
export {
  drawCatalogIconNames,
  ICON_CATEGORIES,
  ICONS_PER_CATEGORY,
  type IconCategory,
  iconName,
  splitIconName,
} from './world/icon-catalog.js';
export {
  BACK_BBOX,
  BACK_COLOR,
  HOME_BBOX,
  HOME_COLOR,
  ICON_SIZE,
  SLOT_COUNT,
  SLOT_XS,
  SLOT_YS,
  slotBbox,
  TITLE_BBOX,
} from './world/layout.js';
export { isWorldPreset, pageCount, WORLD_PRESETS, type WorldPreset } from './world/presets.js';
export {
  BACK_ACTION,
  type Canvas,
  GELAB_CANVAS,
  HOME_ACTION,
  LayoutEntry,
  Page,
  PixelBbox,
  SYSTEM_ACTIONS,
  Transition,
  UiStructure,
  WorldMetadata,
} from './world/schema.js';
export { screenElements } from './world/screen.js';
export {
  comparePageIds,
  getPage,
  isSystemAction,
  type LoadWorldOptions,
  loadWorld,
  parseWorld,
  subtreePages,
  type World,
} from './world/world.js';
export {
  IMAGES_DIR,
  type ScreenshotOptions,
  UI_STRUCTURE_FILE,
  WORLD_CONFIG_FILE,
  type WriteGeneratedWorldOptions,
  type WrittenWorld,
  writeGeneratedWorld,
  writeWorldScreenshots,
} from './world/world-files.js';
