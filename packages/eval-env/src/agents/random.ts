import { DataRng, formatGelabClick, GELAB_COMPLETE_TEXT, randomPointInBbox } from '@guinav/data-gen';
import type { Observation } from '../sim/observation.js';
import type { ActOptions, Agent } from './agent.js';

/**
 * The chance baseline: each step picks uniformly among the page's elements and `complete`, and
 * clicks a seeded random point inside the chosen element, in the exact output format. It never
 * misses a box, so it measures navigation by chance, not formatting or aiming errors.
 */
export class RandomAgent implements Agent {
  readonly name = 'random';

  async act(observation: Observation, options: ActOptions): Promise<string> {
    const rng = new DataRng(options.seed).fork(`step${observation.step}`);
    const choice = rng.int(0, observation.elements.length);
    const element = observation.elements[choice];
    if (!element) return GELAB_COMPLETE_TEXT;
    return formatGelabClick(element.name, observation.page, randomPointInBbox(element.bbox, rng));
  }
}
