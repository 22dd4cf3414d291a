import {
  BACK_BBOX as BACK,
  HOME_BBOX as HOME,
  type PixelBbox,
  parseWorld,
  slotBbox as slot,
  type UiStructure,
  type World,
} from '@guinav/data-gen';

// The GE-Lab layout (data-gen's): back [60,60,260,260], home [919,60,1119,260], icon slot i at
// x = 244 + 230 (i % 4), y = 568 + 230 floor(i / 4), 200 x 200.

/** Overlaps slot(5) (C_3) on page_1 and comes after it in the layout, so it wins the overlap. */
export const OVERLAP: PixelBbox = [344, 800, 544, 1000];

/**
 * Built by hand so that tests have independent expectations:
 *   page_0 --A_1--> page_1 --C_3--> page_3
 *          --B_2--> page_2         --D_4--> page_4
 * page_0 also shows Deco_9, an icon without a transition. Normalised boxes (0..1000, computed
 * separately with Python's round): A_1 [207,222,377,300], B_2 [402,222,572,300],
 * Deco_9 [597,222,767,300], C_3 [402,312,572,390], D_4 [292,313,461,391],
 * back [51,23,221,102], home [779,23,949,102].
 */
export function tinyStructure(): UiStructure {
  return {
    pages: {
      page_0: {
        image: 'page_0.png',
        depth: 0,
        layout: {
          A_1: { bbox: slot(0), type: 'normal' },
          B_2: { bbox: slot(1), type: 'normal' },
          Deco_9: { bbox: slot(2), type: 'normal' },
        },
        transitions: [
          { action: 'A_1', target_page: 'page_1', icon_bbox: slot(0) },
          { action: 'B_2', target_page: 'page_2', icon_bbox: slot(1) },
        ],
      },
      page_1: {
        image: 'page_1.png',
        depth: 1,
        layout: {
          back: { bbox: BACK, type: 'system' },
          C_3: { bbox: slot(5), type: 'normal' },
          D_4: { bbox: OVERLAP, type: 'normal' },
        },
        transitions: [
          { action: 'back', target_page: 'page_0', icon_bbox: BACK },
          { action: 'C_3', target_page: 'page_3', icon_bbox: slot(5) },
          { action: 'D_4', target_page: 'page_4', icon_bbox: OVERLAP },
        ],
      },
      page_2: {
        image: 'page_2.png',
        depth: 1,
        layout: { back: { bbox: BACK, type: 'system' } },
        transitions: [{ action: 'back', target_page: 'page_0', icon_bbox: BACK }],
      },
      page_3: {
        image: 'page_3.png',
        depth: 2,
        layout: { back: { bbox: BACK, type: 'system' }, home: { bbox: HOME, type: 'system' } },
        transitions: [
          { action: 'back', target_page: 'page_1', icon_bbox: BACK },
          { action: 'home', target_page: 'page_0', icon_bbox: HOME },
        ],
      },
      page_4: {
        image: 'page_4.png',
        depth: 2,
        layout: { back: { bbox: BACK, type: 'system' }, home: { bbox: HOME, type: 'system' } },
        transitions: [
          { action: 'back', target_page: 'page_1', icon_bbox: BACK },
          { action: 'home', target_page: 'page_0', icon_bbox: HOME },
        ],
      },
    },
    metadata: { total_pages: 5, tree_depth: 3, nodes_per_level: [2, 2] },
  };
}

export function tinyWorld(): World {
  return parseWorld(tinyStructure(), 'tiny.json');
}

/** A GE-Lab click answer at a point (the grammar's exact format, written out by hand). */
export function clickText(icon: string, page: string, x: number, y: number): string {
  return `Explain:click ${icon} icon on ${page}.\tAction: click(start_box='<|box_start|>(${x},${y})<|box_end|>')`;
}

export const COMPLETE_TEXT = 'Explain: this is target page.\tAction: complete';
