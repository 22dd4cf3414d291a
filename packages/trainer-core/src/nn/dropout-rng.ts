/**
 * The generator dropout draws its seeds from, like torch's global generator: modules call
 * `dropoutRng()` while training; the Trainer installs its own (saved in every checkpoint, so a
 * resumed run draws the same masks).
 */
import { TrainingRng } from '../random/training-rng.js';

let current = new TrainingRng(0);

export function dropoutRng(): TrainingRng {
  return current;
}

export function setDropoutRng(rng: TrainingRng): void {
  current = rng;
}
