import type { LoadedEpisode } from '@guinav/data-gen';
import { describe, expect, it } from 'vitest';
import { validationEpisodes } from './odyssey-data.js';

const episode = (id: string, category: string, steps: number) =>
  ({
    episode: { episode_id: id, task_info: { category } },
    actions: Array.from({ length: steps }, () => ({})),
  }) as unknown as LoadedEpisode;

describe('validationEpisodes', () => {
  const train = [
    episode('a1', 'Web_Shopping', 5),
    episode('a2', 'Web_Shopping', 5),
    episode('a3', 'Web_Shopping', 5),
    episode('b1', 'Multi_Apps', 3),
    episode('b2', 'Multi_Apps', 3),
    episode('b3', 'Multi_Apps', 3),
  ];

  it('takes whole episodes round-robin over the categories until they hold the records asked for', () => {
    const chosen = validationEpisodes(train, 7, 42);
    // One of each category (5 + 3 = 8 >= 7 steps).
    expect(chosen.map((e) => e.episode.task_info.category).sort()).toEqual(['Multi_Apps', 'Web_Shopping']);
    expect(validationEpisodes(train, 7, 42)).toEqual(chosen);
  });

  it('never takes more than half of the train episodes, and none for 0 records', () => {
    expect(validationEpisodes(train, 1000, 1)).toHaveLength(3);
    expect(validationEpisodes(train, 0, 1)).toEqual([]);
    expect(validationEpisodes(train.slice(0, 1), 5, 1)).toEqual([]);
  });
});
