import { parseGelabAction, pointInBbox } from '@guinav/data-gen';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../sim/simulator.js';
import { COMPLETE_TEXT, tinyWorld } from '../test-utils/tiny-world.js';
import { OracleAgent } from './oracle.js';
import { RandomAgent } from './random.js';

const world = tinyWorld();
const sim = () => new Simulator(world, { observation: 'text' });
const CLICK =
  /^Explain:click (\S+) icon on (page_\d+)\.\tAction: click\(start_box='<\|box_start\|>\((\d+),(\d+)\)<\|box_end\|>'\)$/;

describe('OracleAgent', () => {
  it('answers in the exact output format with a point inside the next icon, then complete', async () => {
    const s = sim();
    const oracle = new OracleAgent(world);
    let obs = s.reset({ source: 'page_2', target: 'page_1' });
    const first = await oracle.act(obs, { seed: 1 });
    const m = CLICK.exec(first);
    expect(m?.slice(1, 3)).toEqual(['back', 'page_2']);
    expect(pointInBbox([Number(m?.[3]), Number(m?.[4])], [51, 23, 221, 102])).toBe(true);
    obs = s.step(first).observation;
    expect(await oracle.act(obs, { seed: 1 })).toMatch(/^Explain:click A_1 icon on page_0\./);
    obs = s.step(await oracle.act(obs, { seed: 1 })).observation;
    expect(await oracle.act(obs, { seed: 1 })).toBe(COMPLETE_TEXT);
  });

  it('draws seeded points: the same seed and step repeat, other seeds vary', () => {
    const obs = sim().reset({ source: 'page_0', target: 'page_2' });
    const oracle = new OracleAgent(world);
    expect(oracle.answer(obs, 7)).toBe(oracle.answer(obs, 7));
    const points = new Set(Array.from({ length: 50 }, (_, seed) => oracle.answer(obs, seed)));
    expect(points.size).toBeGreaterThan(40);
  });

  it('never clicks where a later, overlapping icon would take the click', () => {
    // C_3 [402,312,572,390] is partly under D_4 [292,313,461,391]; the oracle must still reach page_3.
    const oracle = new OracleAgent(world);
    for (let seed = 0; seed < 300; seed++) {
      const s = sim();
      const obs = s.reset({ source: 'page_1', target: 'page_3' });
      const answer = oracle.answer(obs, seed);
      const action = parseGelabAction(answer);
      expect(action.type === 'click' && (action.point[0] > 461 || action.point[1] < 313)).toBe(true);
      expect(s.step(answer).record).toMatchObject({ icon: 'C_3', nextPage: 'page_3' });
    }
  });

  it('recovers from any page: it plans from where it is, not from the source', async () => {
    const s = sim();
    const oracle = new OracleAgent(world);
    s.reset({ source: 'page_0', target: 'page_3' });
    // Wander off to page_2 first.
    let obs = s.step("Explain:click B_2 icon on page_0.\tAction: click(start_box='(500,250)')").observation;
    expect(obs.page).toBe('page_2');
    for (let i = 0; i < 4; i++) obs = s.step(await oracle.act(obs, { seed: 3 })).observation;
    expect(s.trajectory()).toMatchObject({ done: true, success: true, finalPage: 'page_3' });
  });
});

describe('RandomAgent', () => {
  it('always answers a well-formed click inside an element of the page, or complete', async () => {
    const agent = new RandomAgent();
    const obs = sim().reset({ source: 'page_1', target: 'page_2' });
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const answer = await agent.act(obs, { seed });
      if (answer === COMPLETE_TEXT) {
        seen.add('complete');
        continue;
      }
      const m = CLICK.exec(answer);
      const element = obs.elements.find((e) => e.name === m?.[1]);
      expect(element && pointInBbox([Number(m?.[3]), Number(m?.[4])], element.bbox)).toBe(true);
      seen.add(m?.[1] as string);
    }
    // Uniform over back, C_3, D_4 and complete: 200 draws see them all.
    expect([...seen].sort()).toEqual(['C_3', 'D_4', 'back', 'complete']);
    expect(await agent.act(obs, { seed: 5 })).toBe(await agent.act(obs, { seed: 5 }));
  });
});
