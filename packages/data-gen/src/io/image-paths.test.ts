import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { styledImagePath } from './image-paths.js';

describe('styledImagePath', () => {
  it('writes absolute, output-relative or as-given paths', () => {
    const cwd = process.cwd();
    expect(styledImagePath('datas/images', 'page_3.png', 'datas', 'absolute')).toBe(
      path.join(cwd, 'datas', 'images', 'page_3.png'),
    );
    expect(styledImagePath('datas/images', 'page_3.png', 'datas', 'relative')).toBe('images/page_3.png');
    expect(styledImagePath('world/images', 'page_3.png', 'out/sub', 'relative')).toBe('../../world/images/page_3.png');
    expect(styledImagePath('datas/images', 'page_3.png', 'elsewhere', 'as-given')).toBe('datas/images/page_3.png');
    expect(styledImagePath('/abs/images/', 'page_3.png', 'x', 'as-given')).toBe('/abs/images/page_3.png');
  });
});
