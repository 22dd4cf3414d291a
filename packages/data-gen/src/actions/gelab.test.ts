import { describe, expect, it } from 'vitest';
import { formatGelabAction, formatGelabClick, GELAB_COMPLETE_TEXT, parseGelabAction } from './gelab.js';

describe('GE-Lab action grammar', () => {
  it('formats the exact published strings', () => {
    expect(formatGelabClick('Hotel_and_restaurant_category_29', 'page_3', [207, 582])).toBe(
      "Explain:click Hotel_and_restaurant_category_29 icon on page_3.\tAction: click(start_box='<|box_start|>(207,582)<|box_end|>')",
    );
    expect(GELAB_COMPLETE_TEXT).toBe('Explain: this is target page.\tAction: complete');
  });

  it('round-trips clicks and complete', () => {
    const click = { type: 'click' as const, icon: 'back', page: 'page_161', point: [120, 63] as [number, number] };
    expect(parseGelabAction(formatGelabAction(click))).toEqual(click);
    expect(parseGelabAction(formatGelabAction({ type: 'complete' }))).toEqual({ type: 'complete' });
  });

  it('reads the answer after the last </think> and tolerates spaces in the tuple', () => {
    const text =
      "<think>maybe (1,2)?</think>x</think>Explain:click A_1 icon on page_9.\tAction: click(start_box='( 15 , 16 )')";
    expect(parseGelabAction(text)).toEqual({ type: 'click', icon: 'A_1', page: 'page_9', point: [15, 16] });
  });

  it('accepts a bare click without an explanation', () => {
    expect(parseGelabAction('click(start_box=(5,6))')).toEqual({ type: 'click', point: [5, 6] });
  });

  it('marks unparseable and out-of-range output invalid', () => {
    expect(parseGelabAction('I am not sure').type).toBe('invalid');
    expect(parseGelabAction('Action: click(start_box=(1001,5))').type).toBe('invalid');
    expect(parseGelabAction('Action: click there')).toMatchObject({ type: 'invalid' });
  });
});
