/** Helpers the data stages share: capped spreads, JSON / JSON Lines files, and the held-out DPO pairs. */
import fs from 'node:fs';
import { hash32 } from '@guinav/data-gen';
import { writeTextFileAtomic } from '@guinav/trainer-core';

/** Every `step`-th record, so a capped set still spans every subtree, category and path length. */
export function spread<T>(items: readonly T[], cap: number | null): T[] {
  if (cap === null || items.length <= cap) return [...items];
  return Array.from({ length: cap }, (_, i) => items[Math.floor((i * items.length) / cap)]!);
}

export async function writeJsonArray(file: string, items: readonly unknown[]): Promise<void> {
  await writeTextFileAtomic(file, `[\n${items.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
}

export async function writeJsonLines(file: string, items: readonly string[]): Promise<void> {
  await writeTextFileAtomic(file, items.map((l) => `${l}\n`).join(''));
}

/** The non-empty lines of a JSON Lines file. */
export function readJsonLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** A seeded, stable draw of `fraction` of the items (by position), held out from training. */
export function heldOutShare(seed: number, fraction: number): (index: number) => boolean {
  return (i) => hash32(`${seed}:dpo-eval:${i}`) / 2 ** 32 < fraction;
}
