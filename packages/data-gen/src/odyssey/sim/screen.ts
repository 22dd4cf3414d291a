/**
 * The simulated phone's screens as plain data. A screen is described by what it shows (header,
 * fields, list rows, tiles, buttons, overlays), never by coordinates: layoutScreen turns the
 * description into elements at fixed places, so the same element of the same screen is always
 * in the same spot (up to the per-visit jitter the phone adds).
 */

/** [x1, y1, x2, y2] on GUI-Odyssey's 0..1000 scale (x across the width, y down the height). */
export type Box = [number, number, number, number];

export interface Field {
  hint: string;
  text: string;
  focused?: boolean;
}

export interface Row {
  label: string;
  detail?: string;
  /** A switch on the right (its state); the switch, not the row, is what is tapped. */
  toggle?: boolean;
  mark?: 'visited' | 'selected' | 'pinned';
}

export interface Tile {
  label: string;
  color: string;
  on?: boolean;
  selected?: boolean;
}

export interface Dialog {
  title: string;
  field?: Field;
  rows?: string[];
  buttons: string[];
}

export interface Screen {
  /** The app whose colours the screen wears (`Home` for the launcher, `System` for recents and the shade). */
  app: string;
  kind?: 'app' | 'home' | 'recents' | 'shade';
  title: string;
  up?: boolean;
  /** Icon buttons at the right of the header, left to right (at most 3). */
  icons?: string[];
  /** The content, laid out top to bottom in this order: fields, image, rows, tiles, buttons. */
  fields?: Field[];
  /** A picture block (a photo, a video, a product shot) in this colour. */
  image?: string;
  rows?: Row[];
  /** How many rows are scrolled out of view at the top. */
  firstRow?: number;
  tiles?: Tile[];
  /** Tiles per grid row (default 3). */
  columns?: number;
  buttons?: string[];
  /** A message box at the bottom of the content (chat apps): text field plus Send. */
  composer?: Field;
  tabs?: { items: string[]; active: string };
  fab?: string;
  keyboard?: boolean;
  banner?: string;
  empty?: string;
  dialog?: Dialog;
  menu?: string[];
  sheet?: { title: string; tiles: Tile[] };
  /** Home: the suggested apps row; recents: the cards, most recent first. */
  dock?: Tile[];
}

export type ElementRole =
  | 'up'
  | 'icon'
  | 'field'
  | 'row'
  | 'toggle'
  | 'tile'
  | 'button'
  | 'composer'
  | 'send'
  | 'tab'
  | 'fab'
  | 'key'
  | 'dialog-field'
  | 'dialog-row'
  | 'dialog-button'
  | 'menu'
  | 'sheet-tile'
  | 'dock'
  | 'card'
  | 'qs';

/** Something on the screen that can be tapped, with the name templates use: `row:Alex`, `icon:Share`, `key:enter`. */
export interface Element {
  id: string;
  role: ElementRole;
  label: string;
  box: Box;
  /** Drawn with the content (moved by the jitter) rather than with the fixed chrome. */
  content: boolean;
}

export const STATUS_BAR: Box = [0, 0, 1000, 30];
export const HEADER: Box = [0, 30, 1000, 110];
export const KEYBOARD: Box = [0, 585, 1000, 950];
export const NAV_BAR: Box = [0, 950, 1000, 1000];
const CONTENT_TOP = 122;
const FIELD_H = 66;
const FIELD_PITCH = 78;
const ROW_H = 82;
const ROW_PITCH = 92;
const BUTTON_H = 72;
const BUTTON_PITCH = 88;
const IMAGE_H = 300;
const TABS_TOP = 870;

/** How far down the content may reach: above the keyboard, the composer and the tabs. */
export function contentBottom(screen: Screen): number {
  if (screen.keyboard) return screen.composer ? 500 : KEYBOARD[1] - 10;
  if (screen.composer) return 855;
  return screen.tabs ? TABS_TOP - 4 : NAV_BAR[1] - 6;
}

function tileGrid(
  tiles: readonly Tile[],
  columns: number,
  top: number,
  height: number,
  pitch: number,
  area: [number, number],
) {
  const gap = 24;
  const width = (area[1] - area[0] - (columns - 1) * gap) / columns;
  return tiles.map((tile, i) => {
    const x1 = Math.round(area[0] + (i % columns) * (width + gap));
    const y1 = top + Math.floor(i / columns) * pitch;
    return { tile, box: [x1, y1, Math.round(x1 + width), y1 + height] as Box };
  });
}

function headerElements(screen: Screen): Element[] {
  const out: Element[] = [];
  if (screen.up) out.push({ id: 'up', role: 'up', label: 'Navigate up', box: [15, 45, 95, 95], content: false });
  const icons = screen.icons ?? [];
  icons.forEach((icon, i) => {
    const x2 = 985 - (icons.length - 1 - i) * 95;
    out.push({ id: `icon:${icon}`, role: 'icon', label: icon, box: [x2 - 80, 42, x2, 98], content: false });
  });
  return out;
}

function homeElements(screen: Screen): Element[] {
  const out: Element[] = [];
  for (const field of screen.fields ?? [])
    out.push({ id: 'field', role: 'field', label: field.hint, box: [60, 150, 940, 215], content: true });
  for (const { tile, box } of tileGrid(screen.tiles ?? [], 4, 265, 95, 140, [60, 940]))
    out.push({ id: `app:${tile.label}`, role: 'tile', label: tile.label, box, content: true });
  for (const { tile, box } of tileGrid(screen.dock ?? [], 4, 845, 80, 0, [60, 940]))
    out.push({ id: `dock:${tile.label}`, role: 'dock', label: tile.label, box, content: true });
  return out;
}

const CARD_BOXES: Box[] = [
  [60, 140, 610, 820],
  [650, 140, 1000, 820],
];

function recentsElements(screen: Screen): Element[] {
  return (screen.dock ?? []).slice(0, CARD_BOXES.length).map((tile, i) => ({
    id: `card:${tile.label}`,
    role: 'card' as const,
    label: tile.label,
    box: CARD_BOXES[i] as Box,
    content: true,
  }));
}

function shadeElements(screen: Screen): Element[] {
  return tileGrid(screen.tiles ?? [], 3, 200, 110, 135, [40, 960]).map(({ tile, box }) => ({
    id: `qs:${tile.label}`,
    role: 'qs' as const,
    label: tile.label,
    box,
    content: false,
  }));
}

/** The content column: fields, image, rows (scrolled), tiles, buttons, each only while it fits. */
function contentElements(screen: Screen): Element[] {
  const out: Element[] = [];
  const bottom = contentBottom(screen);
  let y = CONTENT_TOP;
  const fits = (y2: number) => y2 <= bottom;
  (screen.fields ?? []).forEach((field, i) => {
    const id = (screen.fields?.length ?? 0) > 1 ? `field:${field.hint}` : 'field';
    if (fits(y + FIELD_H))
      out.push({ id, role: 'field', label: field.hint, box: [40, y, 960, y + FIELD_H], content: true });
    y += FIELD_PITCH + (i === (screen.fields?.length ?? 0) - 1 ? 4 : 0);
  });
  if (screen.image) y += IMAGE_H + 14;
  for (const row of (screen.rows ?? []).slice(screen.firstRow ?? 0)) {
    if (fits(y + ROW_H)) {
      out.push(
        row.toggle === undefined
          ? { id: `row:${row.label}`, role: 'row', label: row.label, box: [30, y, 970, y + ROW_H], content: true }
          : {
              id: `toggle:${row.label}`,
              role: 'toggle',
              label: row.label,
              box: [820, y + 16, 950, y + ROW_H - 16],
              content: true,
            },
      );
    }
    y += ROW_PITCH;
  }
  if (screen.tiles?.length) {
    const columns = screen.columns ?? 3;
    const grid = tileGrid(screen.tiles, columns, y + 6, 130, 150, [40, 960]);
    for (const { tile, box } of grid)
      if (fits(box[3])) out.push({ id: `tile:${tile.label}`, role: 'tile', label: tile.label, box, content: true });
    y += Math.ceil(screen.tiles.length / columns) * 150 + 6;
  }
  for (const button of screen.buttons ?? []) {
    if (fits(y + BUTTON_H))
      out.push({ id: `btn:${button}`, role: 'button', label: button, box: [100, y, 900, y + BUTTON_H], content: true });
    y += BUTTON_PITCH;
  }
  return out;
}

function bottomElements(screen: Screen): Element[] {
  const out: Element[] = [];
  if (screen.composer) {
    const top = screen.keyboard ? 510 : 868;
    out.push(
      { id: 'composer', role: 'composer', label: screen.composer.hint, box: [30, top, 820, top + 66], content: false },
      { id: 'btn:Send', role: 'send', label: 'Send', box: [840, top, 970, top + 66], content: false },
    );
  }
  if (screen.tabs && !screen.keyboard) {
    const items = screen.tabs.items;
    const w = 1000 / items.length;
    items.forEach((item, i) => {
      const box: Box = [Math.round(i * w + 8), TABS_TOP + 6, Math.round((i + 1) * w - 8), 944];
      out.push({ id: `tab:${item}`, role: 'tab', label: item, box, content: false });
    });
  }
  if (screen.fab && !screen.keyboard) {
    const top = screen.tabs ? 770 : 845;
    out.push({ id: 'fab', role: 'fab', label: screen.fab, box: [780, top, 950, top + 80], content: false });
  }
  if (screen.keyboard)
    out.push({ id: 'key:enter', role: 'key', label: 'Enter', box: [800, 872, 985, 940], content: false });
  return out;
}

/** The dialog card's box and its elements (centred; height from its content). */
export function dialogLayout(dialog: Dialog): { card: Box; elements: Element[] } {
  const elements: Element[] = [];
  let y = 370;
  if (dialog.field) {
    elements.push({
      id: 'dialog:field',
      role: 'dialog-field',
      label: dialog.field.hint,
      box: [120, y, 880, y + 66],
      content: false,
    });
    y += 86;
  }
  for (const row of dialog.rows ?? []) {
    elements.push({ id: `option:${row}`, role: 'dialog-row', label: row, box: [110, y, 890, y + 62], content: false });
    y += 70;
  }
  y += 10;
  dialog.buttons.forEach((button, i) => {
    const x2 = 890 - (dialog.buttons.length - 1 - i) * 200;
    elements.push({
      id: `dialog:${button}`,
      role: 'dialog-button',
      label: button,
      box: [x2 - 180, y, x2, y + 60],
      content: false,
    });
  });
  return { card: [70, 280, 930, y + 85], elements };
}

export function menuLayout(items: readonly string[]): { card: Box; elements: Element[] } {
  const elements = items.map((item, i) => ({
    id: `menu:${item}`,
    role: 'menu' as const,
    label: item,
    box: [500, 135 + i * 78, 965, 200 + i * 78] as Box,
    content: false,
  }));
  return { card: [485, 122, 980, 135 + items.length * 78 + 10], elements };
}

export const SHEET: Box = [0, 560, 1000, 950];

function sheetElements(tiles: readonly Tile[]): Element[] {
  return tileGrid(tiles, 4, 640, 95, 150, [50, 950]).map(({ tile, box }) => ({
    id: `share:${tile.label}`,
    role: 'sheet-tile' as const,
    label: tile.label,
    box,
    content: false,
  }));
}

/**
 * Every tappable element of a screen. An overlay (dialog, menu, share sheet) hides what is under
 * it: only its own elements are returned then.
 */
export function layoutScreen(screen: Screen): Element[] {
  if (screen.dialog) return dialogLayout(screen.dialog).elements;
  if (screen.menu) return menuLayout(screen.menu).elements;
  if (screen.sheet) return sheetElements(screen.sheet.tiles);
  switch (screen.kind) {
    case 'home':
      return homeElements(screen);
    case 'recents':
      return recentsElements(screen);
    case 'shade':
      return shadeElements(screen);
    default:
      return [...headerElements(screen), ...contentElements(screen), ...bottomElements(screen)];
  }
}
