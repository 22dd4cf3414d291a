import { escapeXml } from '../../render/xml.js';
import { appColor } from './apps.js';
import {
  type Box,
  contentBottom,
  dialogLayout,
  type Element,
  HEADER,
  KEYBOARD,
  layoutScreen,
  menuLayout,
  NAV_BAR,
  type Row,
  type Screen,
  SHEET,
  STATUS_BAR,
  type Tile,
} from './screen.js';

/**
 * Draws a simulated screen as SVG: flat shapes in each app's colours with short labels, the
 * element boxes exactly where layoutScreen puts them (content shifted by the visit's jitter).
 * Drawn on a 1000-wide canvas as tall as the device's aspect, so text keeps its shape; the
 * 0..1000 y scale is stretched onto that height.
 */

const FONT = 'font-family="DejaVu Sans, sans-serif"';
const PALETTE = ['#e57373', '#64b5f6', '#81c784', '#ffb74d', '#ba68c8', '#4db6ac', '#f06292', '#a1887f', '#90a4ae'];

function colorOf(label: string): string {
  let h = 0;
  for (const c of label) h = (h * 33 + (c.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[h % PALETTE.length] as string;
}

class Canvas {
  readonly parts: string[] = [];
  constructor(readonly sy: number) {}

  rect([x1, y1, x2, y2]: Box, fill: string, extra = ''): void {
    const y = y1 * this.sy;
    this.parts.push(
      `<rect x="${x1}" y="${y.toFixed(1)}" width="${x2 - x1}" height="${((y2 - y1) * this.sy).toFixed(1)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`,
    );
  }

  round(box: Box, fill: string, radius = 14, extra = ''): void {
    this.rect(box, fill, `rx="${radius}"${extra ? ` ${extra}` : ''}`);
  }

  circle(cx: number, cy: number, r: number, fill: string): void {
    this.parts.push(`<circle cx="${cx}" cy="${(cy * this.sy).toFixed(1)}" r="${r}" fill="${fill}"/>`);
  }

  /** The parts `draw` adds, taken out of the canvas. */
  capture(draw: () => void): string[] {
    const start = this.parts.length;
    draw();
    return this.parts.splice(start);
  }

  /** Text with its baseline centred on y (0..1000), cut to what fits in `width`. */
  text(x: number, y: number, text: string, size: number, fill = '#202124', anchor = 'start', width = 900): void {
    const max = Math.max(1, Math.floor(width / (size * 0.6)));
    const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
    this.parts.push(
      `<text x="${x}" y="${(y * this.sy).toFixed(1)}" font-size="${size}" fill="${fill}" text-anchor="${anchor}" dominant-baseline="central" ${FONT}>${escapeXml(shown)}</text>`,
    );
  }
}

const mid = (box: Box) => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2] as const;

function drawChrome(c: Canvas, screen: Screen, color: string): void {
  c.rect(STATUS_BAR, '#1f1f1f');
  c.text(30, 15, '12:00', 22, '#ffffff');
  c.round([900, 8, 960, 22], '#ffffff', 3);
  if (screen.kind && screen.kind !== 'app') return;
  c.rect(HEADER, color);
  c.text(screen.up ? 115 : 40, 70, screen.title, 40, '#ffffff', 'start', 640);
}

function drawField(c: Canvas, box: Box, hint: string, text: string, focused: boolean, color: string): void {
  c.round(box, '#ffffff', 30, `stroke="${focused ? color : '#9aa0a6'}" stroke-width="${focused ? 8 : 3}"`);
  const [, y] = mid(box);
  c.text(box[0] + 30, y, text || hint, 32, text ? '#202124' : '#80868b', 'start', box[2] - box[0] - 60);
}

function drawRow(c: Canvas, box: Box, row: Row, color: string): void {
  // Marks show as a tinted row, visible at a few hundred pixels wide.
  const fill = row.mark === 'selected' ? '#d2e3fc' : row.mark === 'visited' ? '#ede7f6' : '#ffffff';
  c.round(box, fill, 10);
  const [, y] = mid(box);
  c.circle(box[0] + 50, y, 26, colorOf(row.label));
  const labelColor = row.mark === 'visited' ? '#681da8' : '#202124';
  const width = (row.toggle !== undefined ? 720 : box[2] - box[0]) - 130;
  c.text(box[0] + 95, row.detail ? y - 14 : y, row.label, 32, labelColor, 'start', width);
  if (row.detail) c.text(box[0] + 95, y + 20, row.detail, 24, '#5f6368', 'start', width);
  if (row.mark === 'pinned') c.circle(box[2] - 40, y, 14, color);
}

function drawToggle(c: Canvas, box: Box, on: boolean, color: string): void {
  c.round(box, on ? color : '#bdc1c6', 30);
  const [, y] = mid(box);
  c.circle(on ? box[2] - 30 : box[0] + 30, y, 18, '#ffffff');
}

function drawTile(c: Canvas, box: Box, tile: Tile, labelBelow: boolean): void {
  c.round(box, tile.color, 18, tile.selected ? 'stroke="#1a73e8" stroke-width="10"' : '');
  const [x, y] = mid(box);
  if (labelBelow) {
    c.text(x, y, tile.label.slice(0, 1), 46, '#ffffff', 'middle');
    c.text(x, box[3] + 16, tile.label, 22, '#ffffff', 'middle', box[2] - box[0] + 30);
  } else {
    c.text(x, y, tile.label, 26, '#202124', 'middle', box[2] - box[0] - 10);
  }
  if (tile.selected) c.circle(box[0] + 30, box[1] + 15, 16, '#1a73e8');
}

function drawButton(c: Canvas, box: Box, label: string, color: string): void {
  c.round(box, color, 36);
  const [x, y] = mid(box);
  c.text(x, y, label, 32, '#ffffff', 'middle', box[2] - box[0] - 20);
}

function drawKeyboard(c: Canvas, color: string): void {
  c.rect(KEYBOARD, '#e8eaed');
  for (let r = 0; r < 3; r++) {
    const count = 10 - r;
    const w = 1000 / 10;
    for (let k = 0; k < count; k++) {
      const x1 = Math.round(k * w + 8 + r * 50);
      c.round([x1, 600 + r * 90, x1 + w - 16, 672 + r * 90], '#ffffff', 8);
    }
  }
  c.round([180, 872, 780, 940], '#ffffff', 8);
  c.round([800, 872, 985, 940], color, 8);
}

/** What a screen draws: the content (moved by the jitter) and the fixed furniture above it. */
interface Layers {
  content: string[];
  fixed: string[];
}

/** The content column and screen furniture of an ordinary app screen. */
function drawAppScreen(c: Canvas, screen: Screen, elements: readonly Element[], color: string): Layers {
  const byId = new Map(elements.map((e) => [e.id, e]));
  const content = c.capture(() => {
    const fields = screen.fields ?? [];
    for (const f of fields) {
      const e = byId.get(fields.length > 1 ? `field:${f.hint}` : 'field');
      if (e) drawField(c, e.box, f.hint, f.text, !!f.focused, color);
    }
    if (screen.image) {
      const top = 122 + fields.length * 78 + (fields.length ? 4 : 0);
      if (top + 300 <= contentBottom(screen)) c.round([40, top, 960, top + 300], screen.image, 20);
    }
    for (const row of screen.rows ?? []) {
      const e = byId.get(`${row.toggle === undefined ? 'row' : 'toggle'}:${row.label}`);
      if (!e) continue;
      if (row.toggle === undefined) drawRow(c, e.box, row, color);
      else {
        drawRow(c, [30, e.box[1] - 16, 970, e.box[3] + 16], row, color);
        drawToggle(c, e.box, row.toggle, color);
      }
    }
    for (const tile of screen.tiles ?? []) {
      const e = byId.get(`tile:${tile.label}`);
      if (e) drawTile(c, e.box, tile, false);
    }
    for (const b of screen.buttons ?? []) {
      const e = byId.get(`btn:${b}`);
      if (e) drawButton(c, e.box, b, color);
    }
    if (screen.empty) {
      c.circle(500, 420, 90, '#dadce0');
      c.text(500, 560, screen.empty, 32, '#5f6368', 'middle');
    }
  });
  const fixed = c.capture(() => {
    for (const e of elements) {
      if (e.role === 'up') c.text(55, 70, '<', 48, '#ffffff', 'middle');
      if (e.role === 'icon') {
        c.round(e.box, '#ffffff33', 28);
        const [x, y] = mid(e.box);
        c.text(x, y, e.label.slice(0, 2), 26, '#ffffff', 'middle');
      }
    }
    const composer = byId.get('composer');
    if (screen.composer && composer) {
      drawField(c, composer.box, screen.composer.hint, screen.composer.text, !!screen.composer.focused, color);
    }
    const send = byId.get('btn:Send');
    if (send && send.role === 'send') drawButton(c, send.box, '>', color);
    if (screen.banner && !screen.keyboard) {
      c.round([80, 780, 920, 840], '#323232', 12);
      c.text(110, 810, screen.banner, 28, '#ffffff', 'start', 780);
    }
    if (screen.tabs && !screen.keyboard) {
      c.rect([0, 870, 1000, 950], '#f1f3f4');
      for (const item of screen.tabs.items) {
        const e = byId.get(`tab:${item}`);
        if (!e) continue;
        const active = item === screen.tabs.active;
        if (active) c.round(e.box, `${color}33`, 30);
        const [x, y] = mid(e.box);
        c.text(x, y, item, 24, active ? color : '#5f6368', 'middle', e.box[2] - e.box[0]);
      }
    }
    const fab = byId.get('fab');
    if (fab) {
      c.round(fab.box, color, 24);
      const [x, y] = mid(fab.box);
      c.text(x, y, '+', 56, '#ffffff', 'middle');
    }
    if (screen.keyboard) drawKeyboard(c, color);
  });
  return { content, fixed };
}

function drawHome(c: Canvas, screen: Screen, elements: readonly Element[]): Layers {
  const page = screen.title === 'Home' ? 1 : 2;
  const content = c.capture(() => {
    if (page === 1) c.text(500, 100, 'Monday, 3 June', 36, '#ffffff', 'middle');
    for (const e of elements) {
      if (e.role === 'field') {
        c.round(e.box, '#ffffff', 40);
        c.text(e.box[0] + 40, mid(e.box)[1], 'Search', 30, '#5f6368');
      }
      if (e.role === 'tile' || e.role === 'dock') {
        drawTile(c, e.box, { label: e.label, color: appColor(e.label) }, e.role === 'tile');
      }
    }
  });
  const fixed = c.capture(() => {
    c.circle(480, 818, page === 1 ? 9 : 6, '#ffffff');
    c.circle(520, 818, page === 2 ? 9 : 6, '#ffffff');
  });
  return { content, fixed };
}

function drawRecents(c: Canvas, elements: readonly Element[]): Layers {
  const content = c.capture(() => {
    for (const e of elements) {
      const [x1, y1, x2] = e.box;
      c.round(e.box, '#f8f9fa', 24);
      c.rect([x1, y1, x2, y1 + 80], appColor(e.label));
      c.text(x1 + 30, y1 + 40, e.label, 34, '#ffffff', 'start', x2 - x1 - 40);
      for (let k = 0; k < 4; k++) c.round([x1 + 30, y1 + 130 + k * 110, x2 - 30, y1 + 200 + k * 110], '#dadce0', 10);
    }
  });
  return { content, fixed: c.capture(() => c.text(500, 880, 'Clear all', 30, '#ffffff', 'middle')) };
}

function drawShade(c: Canvas, screen: Screen, elements: readonly Element[]): Layers {
  const fixed = c.capture(() => {
    c.rect([0, 30, 1000, 650], '#2d2e31');
    c.text(60, 120, '12:00', 48, '#ffffff');
    for (const e of elements) {
      const on = screen.tiles?.find((t) => t.label === e.label)?.on ?? false;
      c.round(e.box, on ? '#a8c7fa' : '#47484c', 40);
      c.text(e.box[0] + 30, mid(e.box)[1], e.label, 28, on ? '#062e6f' : '#e3e3e3', 'start', e.box[2] - e.box[0] - 40);
    }
  });
  return { content: [], fixed };
}

function drawOverlay(c: Canvas, screen: Screen, color: string): void {
  if (!screen.dialog && !screen.menu && !screen.sheet) return;
  if (screen.dialog || screen.sheet) c.rect([0, 0, 1000, 1000], '#00000066');
  if (screen.dialog) {
    const { card, elements } = dialogLayout(screen.dialog);
    c.round(card, '#ffffff', 28);
    c.text(card[0] + 40, card[1] + 45, screen.dialog.title, 36);
    for (const e of elements) {
      if (e.role === 'dialog-field' && screen.dialog.field)
        drawField(c, e.box, e.label, screen.dialog.field.text, !!screen.dialog.field.focused, color);
      if (e.role === 'dialog-row') {
        c.circle(e.box[0] + 25, mid(e.box)[1], 14, '#5f6368');
        c.text(e.box[0] + 60, mid(e.box)[1], e.label, 30);
      }
      if (e.role === 'dialog-button') c.text(mid(e.box)[0], mid(e.box)[1], e.label, 32, color, 'middle');
    }
  }
  if (screen.menu) {
    const { card, elements } = menuLayout(screen.menu);
    c.round(card, '#ffffff', 12, 'stroke="#dadce0" stroke-width="3"');
    for (const e of elements) c.text(e.box[0] + 20, mid(e.box)[1], e.label, 30);
  }
  if (screen.sheet) {
    c.round(SHEET, '#ffffff', 30);
    c.text(500, SHEET[1] + 40, screen.sheet.title, 34, '#202124', 'middle');
    for (const e of layoutScreen(screen)) drawTile(c, e.box, { label: e.label, color: appColor(e.label) }, false);
  }
}

const BACKGROUNDS: Record<string, string> = { home: '#3b6e8f', recents: '#3c4043', shade: '#3c4043' };

function drawLayers(c: Canvas, screen: Screen, elements: readonly Element[], color: string): Layers {
  switch (screen.kind) {
    case 'home':
      return drawHome(c, screen, elements);
    case 'recents':
      return drawRecents(c, elements);
    case 'shade':
      return drawShade(c, screen, elements);
    default:
      return drawAppScreen(c, screen, elements, color);
  }
}

/**
 * The SVG of a screen as shown on a `w` x `h` device, `width` pixels wide (the height keeps the
 * aspect), with the content moved by `offset` (0..1000 units).
 */
export function screenSvg(
  screen: Screen,
  offset: [number, number],
  device: { w: number; h: number },
  width: number,
): string {
  const height = Math.round((1000 * device.h) / device.w);
  const c = new Canvas(height / 1000);
  const color = appColor(screen.app);
  // What is under an overlay is drawn as usual, then covered.
  const { dialog: _dialog, menu: _menu, sheet: _sheet, ...base } = screen;
  const background = c.capture(() => c.rect([0, 0, 1000, 1000], BACKGROUNDS[screen.kind ?? 'app'] ?? '#f8f9fa'));
  const { content, fixed } = drawLayers(c, screen, layoutScreen(base), color);
  const [dx, dy] = offset;
  const chrome = c.capture(() => drawChrome(c, screen, color));
  const top = c.capture(() => {
    drawOverlay(c, screen, color);
    c.rect(NAV_BAR, '#000000');
    c.text(250, 975, '<', 30, '#ffffff', 'middle');
    c.circle(500, 975, 14, '#ffffff');
    c.round([735, 964, 765, 986], '#ffffff', 3);
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.round((width * device.h) / device.w)}" ` +
    `viewBox="0 0 1000 ${height}" preserveAspectRatio="none">` +
    [
      ...background,
      `<g transform="translate(${dx} ${(dy * c.sy).toFixed(1)})">${content.join('')}</g>`,
      ...chrome,
      ...fixed,
      ...top,
    ].join('') +
    '</svg>'
  );
}
