export {
  CheckpointFolder,
  SAFETENSORS_FILE,
  SAFETENSORS_INDEX,
  type WriteCheckpointOptions,
  writeCheckpointFolder,
} from './checkpoint-folder.js';
export { isSafetensorsDType, loadedDType, SAFETENSORS_DTYPE_BYTES, type SafetensorsDType } from './dtypes.js';
export { MAX_HEADER_BYTES, type SafetensorsHeader, type TensorEntry } from './header.js';
export { SafetensorsFile } from './reader.js';
export { type TensorToWrite, type WriteSafetensorsOptions, writeSafetensors } from './writer.js';
