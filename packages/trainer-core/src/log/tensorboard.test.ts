/**
 * The event files read back by a reader written here independently of the writer: a bitwise
 * CRC32C (no table), TFRecord framing and a minimal protobuf decoder for Event / Summary / Value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitwiseCrc32c, readTensorBoardEvents as readEvents } from '../test-utils/tensorboard-reader.js';
import { crc32c } from './crc32c.js';
import { TensorBoardWriter } from './tensorboard.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-tb-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('TensorBoard event files', () => {
  it('CRC32C matches the published check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(bitwiseCrc32c(check)).toBe(0xe3069283);
  });

  it('are named as PyTorch names them and hold a version record, then the scalars by step', () => {
    const w = new TensorBoardWriter(dir);
    expect(path.basename(w.file)).toMatch(
      new RegExp(
        `^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.\\d+$`,
      ),
    );
    w.scalars(1, { 'train/loss': 2.5, 'train/learning_rate': 1e-4 }, 1700000000.25);
    w.scalars(300, { 'eval/loss': Number.NaN, 'train/grad_norm': 0.125 }, 1700000001);
    w.close();
    const events = readEvents(w.file);
    expect(events[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2', scalars: {} });
    expect(events[1]).toEqual({
      wallTime: 1700000000.25,
      step: 1,
      fileVersion: undefined,
      scalars: { 'train/loss': 2.5, 'train/learning_rate': Math.fround(1e-4) },
    });
    expect(events[2]!.step).toBe(300);
    expect(events[2]!.scalars['train/grad_norm']).toBe(0.125);
    expect(Number.isNaN(events[2]!.scalars['eval/loss'])).toBe(true);
    expect(() => w.scalars(2, { x: 1 })).toThrow(/was closed/);
  });
});
