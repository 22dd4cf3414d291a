import type { Point } from '../../actions/coords.js';
import type { ScrollDirection } from '../../actions/odyssey.js';
import type { DataRng } from '../../random/data-rng.js';
import { app, homeScreen, recentsScreen, shadeScreen, startScreen } from './apps.js';
import { type Box, type Element, layoutScreen, type Screen } from './screen.js';

/** What was done on a screen, in GUI-Odyssey's raw terms (action + info). */
export type SimAction =
  | { type: 'CLICK' | 'LONG_PRESS'; element: Element; point: Point }
  | { type: 'KEY'; key: 'KEY_HOME' | 'KEY_BACK' | 'KEY_APPSELECT' }
  | { type: 'SCROLL'; direction: ScrollDirection; path: Point[] }
  | { type: 'TEXT'; text: string }
  | { type: 'COMPLETE' | 'INCOMPLETE'; ps: string };

export interface SimStep {
  /** The screen the action was taken on (as shown in the step's screenshot). */
  screen: Screen;
  /** This visit's shift of the screen's content, on 0..1000 (the jitter). */
  offset: [number, number];
  action: SimAction;
}

/** Swipe paths on 0..1000, start to end, before jitter. */
const SWIPES: Record<ScrollDirection | 'SHADE', [Point, Point]> = {
  UP: [
    [500, 720],
    [500, 300],
  ],
  DOWN: [
    [500, 300],
    [500, 720],
  ],
  LEFT: [
    [820, 500],
    [180, 500],
  ],
  RIGHT: [
    [180, 500],
    [820, 500],
  ],
  SHADE: [
    [500, 12],
    [500, 620],
  ],
};

/** When the next app is the second card of recents, how often the recents key is used rather than home. */
const RECENTS_CHANCE = 0.7;

const clamp = (v: number) => Math.min(1000, Math.max(0, v));

export interface PhoneStart {
  screen: Screen;
  /** Apps in recents, most recent first (the app of a start screen first). */
  recent: string[];
  homePage: 1 | 2;
}

/**
 * A phone that records what a task does on it: each call takes the action on the current screen
 * (checking that what it taps is there), records the step, and moves to the screen given (or the
 * one the system shows: home, recents, the shade). Apps are entered through the launcher, its
 * suggested row, or recents, as a person would.
 */
export class Phone {
  readonly steps: SimStep[] = [];
  private current: Screen;
  private offset: [number, number];
  private recent: string[];
  private homePage: 1 | 2;
  private readonly used = new Set<string>();
  private finished = false;

  constructor(
    private readonly rng: DataRng,
    /** Largest shift of a visit's content on 0..1000. */
    private readonly jitter: number,
    start: PhoneStart,
  ) {
    this.current = start.screen;
    this.recent = [...start.recent];
    this.homePage = start.homePage;
    this.offset = this.drawOffset();
  }

  get screen(): Screen {
    return this.current;
  }

  tap(id: string, next: Screen): void {
    this.press('CLICK', id, next);
  }

  /** A tap that lands in another app (a share target): that app counts as opened. */
  tapInto(id: string, name: string, next: Screen): void {
    this.markUsed(name);
    this.tap(id, next);
  }

  longPress(id: string, next: Screen): void {
    this.press('LONG_PRESS', id, next);
  }

  type(text: string, next: Screen): void {
    const s = this.current;
    const focused = s.dialog?.field?.focused || s.composer?.focused || s.fields?.some((f) => f.focused);
    if (!focused) throw new Error(`simulated phone: typing "${text}" on ${s.app}/${s.title} with no focused field`);
    this.record({ type: 'TEXT', text }, next);
  }

  scroll(direction: ScrollDirection, next: Screen): void {
    this.swipe(direction, SWIPES[direction], next);
  }

  back(next: Screen): void {
    this.record({ type: 'KEY', key: 'KEY_BACK' }, next);
  }

  home(): void {
    this.record({ type: 'KEY', key: 'KEY_HOME' }, homeScreen(1, this.recent));
    this.homePage = 1;
  }

  /** Pulls the quick settings down from the top of the home screen (going home first). */
  openShade(on: ReadonlySet<string>): void {
    if (this.current.kind !== 'home') this.home();
    this.swipe('DOWN', SWIPES.SHADE, shadeScreen(on));
  }

  complete(ps: string): void {
    this.record({ type: 'COMPLETE', ps }, this.current);
    this.finished = true;
  }

  impossible(ps: string): void {
    this.record({ type: 'INCOMPLETE', ps }, this.current);
    this.finished = true;
  }

  /**
   * Opens an app the task has not used yet: from inside another app through recents (when it is
   * the next card) or the home key; on the launcher by its suggested icon if shown, else by its
   * icon, swiping to its page first.
   */
  open(name: string): void {
    if (this.used.has(name)) throw new Error(`simulated phone: a task returns to ${name}; tasks open each app once`);
    const target = app(name);
    if (this.current.kind !== 'home') {
      if (this.recent.indexOf(name) === 1 && this.rng.float() < RECENTS_CHANCE) {
        this.record({ type: 'KEY', key: 'KEY_APPSELECT' }, recentsScreen(this.recent));
        this.enter(name, `card:${name}`);
        return;
      }
      this.home();
    }
    if (this.recent.slice(0, 4).includes(name)) {
      this.enter(name, `dock:${name}`);
      return;
    }
    if (this.homePage !== target.page) {
      this.scroll(target.page === 2 ? 'LEFT' : 'RIGHT', homeScreen(target.page, this.recent));
      this.homePage = target.page;
    }
    this.enter(name, `app:${name}`);
  }

  private enter(name: string, id: string): void {
    this.markUsed(name);
    this.tap(id, startScreen(name));
  }

  private markUsed(name: string): void {
    this.used.add(name);
    this.recent = [name, ...this.recent.filter((n) => n !== name)];
  }

  private press(type: 'CLICK' | 'LONG_PRESS', id: string, next: Screen): void {
    const element = layoutScreen(this.current).find((e) => e.id === id);
    if (!element) {
      const ids = layoutScreen(this.current).map((e) => e.id);
      throw new Error(
        `simulated phone: no "${id}" on ${this.current.app}/${this.current.title} (has ${ids.join(', ')})`,
      );
    }
    const box = this.placed(element);
    // A finger lands in the middle part of what it taps.
    const at = (lo: number, hi: number) => Math.round(lo + (hi - lo) * (0.25 + 0.5 * this.rng.float()));
    this.record({ type, element: { ...element, box }, point: [at(box[0], box[2]), at(box[1], box[3])] }, next);
  }

  private swipe(direction: ScrollDirection, [from, to]: [Point, Point], next: Screen): void {
    const j = () => this.rng.int(-30, 30);
    // A pull from the very top starts at the edge; other swipes anywhere near their start.
    const start: Point = [clamp(from[0] + j()), from[1] < 50 ? from[1] + this.rng.int(0, 10) : clamp(from[1] + j())];
    const end: Point = [clamp(to[0] + j()), clamp(to[1] + j())];
    // The recorded trajectory: start, three points between, end.
    const path = [0, 0.25, 0.5, 0.75, 1].map(
      (t) => [Math.round(start[0] + (end[0] - start[0]) * t), Math.round(start[1] + (end[1] - start[1]) * t)] as Point,
    );
    this.record({ type: 'SCROLL', direction, path }, next);
  }

  /** The element's box as drawn on this visit: content moves with the jitter, the chrome does not. */
  private placed(element: Element): Box {
    if (!element.content) return element.box;
    const [dx, dy] = this.offset;
    const [x1, y1, x2, y2] = element.box;
    return [clamp(x1 + dx), clamp(y1 + dy), clamp(x2 + dx), clamp(y2 + dy)];
  }

  private drawOffset(): [number, number] {
    return this.jitter > 0
      ? [this.rng.int(-this.jitter, this.jitter), this.rng.int(-this.jitter, this.jitter)]
      : [0, 0];
  }

  private record(action: SimAction, next: Screen): void {
    if (this.finished) throw new Error('simulated phone: an action after the task ended');
    this.steps.push({ screen: this.current, offset: this.offset, action });
    this.current = next;
    this.offset = this.drawOffset();
  }
}
