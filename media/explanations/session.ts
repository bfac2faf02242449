/**
 * The one state object of the explanations webview. The entry script creates it once
 * (createSession) and every module receives it; nothing else in the webview holds mutable state
 * at module level. `saved` is what survives a reload of the page (the webview state).
 */
import type { ChartSpec } from '../charts';
import type { ReviewState } from '../../src/core/override/reviewView';
import { english } from '../../src/core/present/labels';
import { isCardSort, type CardSort } from '../../src/core/report/cardOrder';
import {
  FILTERS,
  type CardModel,
  type Filter,
  type WebviewMessage,
  type WebviewModel,
} from '../../src/core/report/webviewModel';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ViewState {
  fileUri?: string;
  runUuid?: string;
  filter: Filter;
  search: string;
  /** The order of the cards (sort.ts). */
  sort: CardSort;
  /** Key of the card at the top of the view, to come back to after the page reloads. */
  anchor?: string;
  /** Scroll position when no card is at the top (the summary is in view). */
  scrollY: number;
}

/** The page's fixed elements, built once a run is shown (see skeleton.ts). */
export interface Ui {
  summary: HTMLElement;
  filter: HTMLFieldSetElement;
  search: HTMLInputElement;
  matchCount: HTMLElement;
  list: HTMLOListElement;
  earlier: HTMLElement;
  earlierText: HTMLElement;
  more: HTMLElement;
  moreText: HTMLElement;
  noMatch: HTMLElement;
  status: HTMLElement;
}

/** Where the page goes once the cards it needs are there (messages.ts). */
export interface Positioning {
  /** A card to scroll to and highlight. */
  focus?: string;
  /** An update of the run on screen: keep the window and the scroll offset. */
  live: boolean;
  /** The page came back (reload, shown again): go back to the saved position. */
  reloaded: boolean;
  scroll: number;
  keep?: { from: number; to: number };
}

/** A data message whose cards are still arriving in `cards` messages (webviewParts.ts). */
export interface Loading {
  seq: number;
  /** Cards still to come. */
  more: number;
  /**
   * Set when the list waits for every card: the view (filter, search, sort) is not the model's
   * order, or this updates the run on screen (whose cards then stay until the update is complete).
   */
  held?: Positioning;
  /** A card asked for that has not arrived yet. */
  focus?: string;
  /** The card a reloaded page was at, not in the parts so far. */
  anchor?: string;
}

export interface Session {
  readonly api: VsCodeApi;
  /** #aymara-explanations */
  readonly root: HTMLElement;
  /** Persisted with api.setState: filter, search and position. */
  readonly saved: ViewState;
  /** Translations of the UI strings, from the extension (keys are the English texts). */
  strings: Record<string, string>;
  model: WebviewModel | undefined;
  /** The cards that match the filter and search. */
  filtered: CardModel[];
  /** The rendered window of `filtered`: cards [start, end) are in the DOM. */
  start: number;
  end: number;
  highlighted: string | undefined;
  haystacks: WeakMap<CardModel, string>;
  /** Full texts fetched for "Show all", and which of them are shown, by textId(key, field). */
  readonly fullTexts: Map<string, string>;
  readonly expanded: Set<string>;
  /** The rendered cards by key. */
  readonly cardEls: Map<string, HTMLLIElement>;
  ui: Ui | undefined;
  /** Set while the model's cards are still arriving. */
  loading?: Loading;
  /** Watches the "show more" / "show earlier" sentinels. */
  readonly observer: IntersectionObserver;
  /** Reviews by a person and verdict histories (review.ts). */
  review?: ReviewState;
  /** The charts section (charts.ts): its element, the frames to draw in, the drawing bundle's load, what they show. */
  charts?: { box: HTMLElement; pending: { frame: HTMLElement; spec: ChartSpec }[]; loading: Promise<void> | undefined; signature: string };
}

/**
 * @param onSentinel called when a sentinel comes near the view while the page shows a run
 */
export function createSession(api: VsCodeApi, root: HTMLElement, onSentinel: (s: Session, target: Element) => void): Session {
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting || !s.ui) continue;
        onSentinel(s, e.target);
      }
    },
    { rootMargin: '600px 0px' },
  );
  const s: Session = {
    api,
    root,
    saved: readState(api),
    strings: {},
    model: undefined,
    filtered: [],
    start: 0,
    end: 0,
    highlighted: undefined,
    haystacks: new WeakMap(),
    fullTexts: new Map(),
    expanded: new Set(),
    cardEls: new Map(),
    ui: undefined,
    observer,
  };
  return s;
}

function readState(api: VsCodeApi): ViewState {
  const s = api.getState() as Partial<ViewState> | undefined;
  const filter = (FILTERS as readonly string[]).includes(String(s?.filter)) ? (s?.filter as Filter) : 'all';
  return {
    fileUri: typeof s?.fileUri === 'string' ? s.fileUri : undefined,
    runUuid: typeof s?.runUuid === 'string' ? s.runUuid : undefined,
    filter,
    search: typeof s?.search === 'string' ? s.search : '',
    sort: isCardSort(s?.sort) ? s.sort : 'verdict',
    anchor: typeof s?.anchor === 'string' ? s.anchor : undefined,
    scrollY: typeof s?.scrollY === 'number' && s.scrollY >= 0 ? s.scrollY : 0,
  };
}

export function saveState(s: Session): void {
  s.api.setState(s.saved);
}

export function post(s: Session, message: WebviewMessage): void {
  s.api.postMessage(message);
}

/** A UI string in the extension's language ({0}, {1}… replaced by `args`). */
export function t(s: Session, key: string, ...args: (string | number)[]): string {
  return english(s.strings[key] ?? key, ...args);
}

/** Says `text` in the polite live region. */
export function announce(s: Session, text: string): void {
  if (!s.ui) return;
  s.ui.status.textContent = '';
  // A fresh node so screen readers announce repeats too.
  window.setTimeout(() => {
    if (s.ui) s.ui.status.textContent = text;
  }, 50);
}
