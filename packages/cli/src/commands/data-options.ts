import type { MinDistance } from '@guinav/data-gen';
import { InvalidArgumentError } from 'commander';

/** `ams` (beyond 0.14 x 1000 and outside sam2_bbox) or a distance on the 0..1000 scale (AMS-wrong as well). */
export function minDistance(value: string): MinDistance {
  if (value === 'ams') return value;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') {
    throw new InvalidArgumentError(
      'expected ams, or a distance >= 0 on the 0..1000 scale (a rejection is always one AMS scores as wrong).',
    );
  }
  return n;
}
