/**
 * Episode replays: one frame per step (the screenshot the agent saw, the predicted click marked,
 * the outcome written under it) and the page it ended on, side by side in one PNG strip.
 */
import path from 'node:path';
import type { EpisodeRecord } from '@guinav/eval-env';
import sharp from 'sharp';

const FRAME = 224;
const CAPTION = 40;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The overlay of one frame: the click (0..1000 coordinates) as a ring, and two caption lines. */
function overlay(point: readonly [number, number] | undefined, lines: [string, string], ok: boolean): Buffer {
  const ring = point
    ? `<circle cx="${(point[0] / 1000) * FRAME}" cy="${(point[1] / 1000) * FRAME}" r="9" fill="none" stroke="${ok ? '#1a9850' : '#d73027'}" stroke-width="3"/>`
    : '';
  const text = lines
    .map(
      (l, i) => `<text x="4" y="${FRAME + 16 + i * 16}" font-family="sans-serif" font-size="12">${escapeXml(l)}</text>`,
    )
    .join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME}" height="${FRAME + CAPTION}">${ring}${text}</svg>`,
  );
}

async function frame(
  imagesDir: string,
  page: string,
  point: EpisodeRecord['steps'][number]['point'],
  lines: [string, string],
  ok: boolean,
) {
  const shot = await sharp(path.join(imagesDir, `${page}.png`))
    .resize(FRAME, FRAME, { fit: 'fill' })
    .png()
    .toBuffer();
  return sharp({ create: { width: FRAME, height: FRAME + CAPTION, channels: 3, background: '#ffffff' } })
    .composite([
      { input: shot, top: 0, left: 0 },
      { input: overlay(point, lines, ok), top: 0, left: 0 },
    ])
    .png()
    .toBuffer();
}

/** A PNG strip of the episode; `imagesDir` holds `<page>.png` screenshots. */
export async function renderReplay(episode: EpisodeRecord, imagesDir: string): Promise<Buffer> {
  const frames: Buffer[] = [];
  for (const s of episode.steps) {
    const ok = s.outcome === 'moved' || (s.outcome === 'complete' && episode.success);
    frames.push(
      await frame(
        imagesDir,
        s.page,
        s.point,
        [`${s.step}. ${s.page}: ${s.outcome}`, s.icon ? `hit ${s.icon}` : ''],
        ok,
      ),
    );
  }
  const last = episode.steps.at(-1)?.nextPage ?? episode.source;
  frames.push(
    await frame(imagesDir, last, undefined, [`end: ${last}`, episode.success ? 'success' : 'failure'], episode.success),
  );
  const gap = 8;
  return sharp({
    create: { width: frames.length * (FRAME + gap) - gap, height: FRAME + CAPTION, channels: 3, background: '#ffffff' },
  })
    .composite(frames.map((input, i) => ({ input, top: 0, left: i * (FRAME + gap) })))
    .png()
    .toBuffer();
}
