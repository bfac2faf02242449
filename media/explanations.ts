/**
 * Explanations webview script (bundled to media/dist/explanations.js, a browser IIFE).
 *
 * All data arrives in a `data` message and is rendered with createElement + textContent only:
 * responses, prompts and explanations are hostile text. Nothing here creates links, sets HTML,
 * inline styles or loads anything. Cards are rendered as a window over the filtered data: a page
 * (PAGE) at a time as the "show more"/"show earlier" sentinels scroll into view, never more than
 * MAX_DOM at once (the far end is dropped), and a jump to a distant card (focus, Home/End, a
 * restored position) replaces the window around it. Filtering and search work on the data array.
 *
 * DOM hooks (stable, for end-to-end tests):
 *   #aymara-explanations            root; data-state = loading | ready | empty; data-run = run id
 *   #aymara-summary                 run header (.summary-title, .summary-rate, .summary-counts li[data-verdict],
 *                                   .summary-meta dd[data-field=run|runName|status|when|evalType])
 *   #aymara-stale                   stale banner (present only when stale)
 *   #aymara-notes                   run notes (present only when there are notes)
 *   #aymara-filter                  radio group; input[name=aymara-filter][value=all|failed|…]
 *   #aymara-search                  search box
 *   #aymara-match-count             "N of M responses"
 *   #aymara-cards                   the list; li.card[data-key][data-verdict][data-prompt-uuid][data-index]
 *     .card-reveal                  the card's button (click / Enter / Space → reveal in file)
 *     .field-prompt|response|explanation|next-prompt .field-text, button.show-all[data-field]
 *     .card-highlight               the card last focused from the extension or clicked
 *   #aymara-more, #aymara-show-more       sentinel + button below the window (hidden when at the end)
 *   #aymara-earlier, #aymara-show-earlier sentinel + button above the window (hidden when at the start)
 *   #aymara-status                  polite live region for short notices
 */
import {
  FILTERS,
  cardHaystack,
  english,
  matchesFilter,
  type CardModel,
  type Filter,
  type HostMessage,
  type TextField,
  type WebviewModel,
} from '../src/core/report/webviewModel';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  fileUri?: string;
  runUuid?: string;
  filter: Filter;
  search: string;
  /** Key of the card at the top of the view, to come back to after the page reloads. */
  anchor?: string;
  /** Scroll position when no card is at the top (the summary is in view). */
  scrollY: number;
}

/** Cards rendered per step. */
const PAGE = 100;
/** At most this many cards are in the DOM; the window drops cards at the far end as it grows. */
const MAX_DOM = 500;
/** Cards rendered above a card jumped to, so there is context when scrolling up. */
const JUMP_BEFORE = 20;
const vscode = acquireVsCodeApi();
const root = document.getElementById('aymara-explanations') as HTMLElement;

let strings: Record<string, string> = {};
const t = (key: string, ...args: (string | number)[]): string => english(strings[key] ?? key, ...args);

let model: WebviewModel | undefined;
let filtered: CardModel[] = [];
/** The rendered window of `filtered`: cards [start, end) are in the DOM. */
let start = 0;
let end = 0;
let highlighted: string | undefined;
let haystacks = new WeakMap<CardModel, string>();
/** Full texts fetched for "Show all", and which of them are shown, by `${key}\u0001${field}`. */
const fullTexts = new Map<string, string>();
const expanded = new Set<string>();
const cardEls = new Map<string, HTMLLIElement>();
const state: ViewState = readState();

let ui:
  | {
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
  | undefined;

const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting || !ui) continue;
      if (e.target === ui.more) renderMore();
      else if (e.target === ui.earlier) renderEarlier();
    }
  },
  { rootMargin: '600px 0px' },
);

// ------------------------------------------------------------------------------------------
// helpers

function readState(): ViewState {
  const s = vscode.getState() as Partial<ViewState> | undefined;
  const filter = (FILTERS as readonly string[]).includes(String(s?.filter)) ? (s?.filter as Filter) : 'all';
  return {
    fileUri: typeof s?.fileUri === 'string' ? s.fileUri : undefined,
    runUuid: typeof s?.runUuid === 'string' ? s.runUuid : undefined,
    filter,
    search: typeof s?.search === 'string' ? s.search : '',
    anchor: typeof s?.anchor === 'string' ? s.anchor : undefined,
    scrollY: typeof s?.scrollY === 'number' && s.scrollY >= 0 ? s.scrollY : 0,
  };
}

function saveState(): void {
  vscode.setState(state);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A block of untrusted text: its own bidi paragraph, isolated from the UI around it. */
function textBlock(className: string, text: string): HTMLElement {
  const d = el('div', className, text);
  d.dir = 'auto';
  return d;
}

/** Inline untrusted text, isolated. */
function bdi(className: string, text: string): HTMLElement {
  const b = document.createElement('bdi');
  b.className = className;
  b.textContent = text;
  return b;
}

function preview(text: string, max = 120): string {
  const flat = text.slice(0, max * 4).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function post(message: unknown): void {
  vscode.postMessage(message);
}

function announce(text: string): void {
  if (!ui) return;
  ui.status.textContent = '';
  // A fresh node so screen readers announce repeats too.
  window.setTimeout(() => {
    if (ui) ui.status.textContent = text;
  }, 50);
}

function haystack(c: CardModel): string {
  let h = haystacks.get(c);
  if (h === undefined) {
    h = cardHaystack(c);
    haystacks.set(c, h);
  }
  return h;
}

// ------------------------------------------------------------------------------------------
// skeleton, summary and toolbar

function buildSkeleton(): NonNullable<typeof ui> {
  root.replaceChildren();
  const summary = el('header', 'summary');
  summary.id = 'aymara-summary';

  const toolbar = el('div', 'toolbar');
  toolbar.id = 'aymara-toolbar';
  const filter = el('fieldset', 'filter');
  filter.id = 'aymara-filter';
  const searchWrap = el('div', 'search');
  const searchLabel = el('label', 'visually-hidden', t('Search'));
  searchLabel.htmlFor = 'aymara-search';
  const search = el('input', 'search-input');
  search.id = 'aymara-search';
  search.type = 'search';
  search.placeholder = t('Search prompts, responses, explanations and ids');
  search.setAttribute('aria-label', t('Search prompts, responses, explanations and ids'));
  search.spellcheck = false;
  search.autocomplete = 'off';
  search.value = state.search;
  searchWrap.append(searchLabel, search);
  const matchCount = el('span', 'match-count');
  matchCount.id = 'aymara-match-count';
  matchCount.setAttribute('role', 'status');
  matchCount.setAttribute('aria-live', 'polite');
  toolbar.append(filter, searchWrap, matchCount);

  const hint = el('p', 'visually-hidden', t('Response list. Use the arrow keys to move between responses and Enter to go to one in the file.'));
  hint.id = 'aymara-list-hint';
  const list = el('ol', 'cards');
  list.id = 'aymara-cards';
  list.setAttribute('aria-label', t('Results'));
  list.setAttribute('aria-describedby', hint.id);

  const earlier = el('div', 'more earlier');
  earlier.id = 'aymara-earlier';
  earlier.hidden = true;
  const earlierText = el('span', 'more-text');
  const earlierButton = el('button', 'more-button', t('Show earlier'));
  earlierButton.id = 'aymara-show-earlier';
  earlierButton.type = 'button';
  earlierButton.addEventListener('click', () => renderEarlier());
  earlier.append(earlierText, earlierButton);

  const noMatch = el('p', 'no-match');
  noMatch.id = 'aymara-no-match';
  noMatch.hidden = true;

  const more = el('div', 'more');
  more.id = 'aymara-more';
  const moreText = el('span', 'more-text');
  const moreButton = el('button', 'more-button', t('Show more'));
  moreButton.id = 'aymara-show-more';
  moreButton.type = 'button';
  moreButton.addEventListener('click', () => renderMore());
  more.append(moreText, moreButton);

  const status = el('div', 'visually-hidden');
  status.id = 'aymara-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  root.append(summary, toolbar, hint, earlier, list, noMatch, more, status);

  filter.addEventListener('change', (ev) => {
    const input = ev.target as HTMLInputElement;
    if (input.name !== 'aymara-filter' || !(FILTERS as readonly string[]).includes(input.value)) return;
    state.filter = input.value as Filter;
    applyFilter(true);
  });
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      state.search = search.value;
      applyFilter(true);
    }, 150);
  });
  list.addEventListener('click', onListClick);
  list.addEventListener('keydown', onListKey);
  observer.observe(more);
  observer.observe(earlier);
  return { summary, filter, search, matchCount, list, earlier, earlierText, more, moreText, noMatch, status };
}

function renderSummary(m: WebviewModel): void {
  if (!ui) return;
  const s = m.summary;
  const head = el('div', 'summary-heading');
  const h1 = el('h1', 'summary-title');
  h1.append(bdi('summary-eval', s.title));
  head.append(h1);
  if (s.evalType) head.append(bdi('summary-type chip', s.evalType));
  if (s.sandbox) head.append(el('span', 'summary-sandbox chip', t('Sandbox run')));
  const file = el('p', 'summary-file');
  file.append(bdi('summary-file-name', m.fileName));

  const rate = el('p', 'summary-rate');
  rate.append(el('span', 'rate-value', s.passRate), document.createTextNode(' '), el('span', 'rate-label', t('Pass rate')));

  const counts = el('ul', 'summary-counts');
  counts.setAttribute('aria-label', t('Results'));
  for (const f of m.filters) {
    if (f.id === 'all') continue;
    const li = el('li', `count verdict-${f.id}`);
    li.dataset.verdict = f.id;
    li.append(el('span', 'count-label', f.label), document.createTextNode(' '), el('span', 'count-value', String(f.count)));
    counts.append(li);
  }

  const meta = el('dl', 'summary-meta');
  const row = (field: string, label: string, value: string, mono = false): void => {
    const dd = el('dd', mono ? 'mono' : undefined);
    dd.dataset.field = field;
    dd.append(bdi('meta-value', value));
    meta.append(el('dt', undefined, label), dd);
  };
  if (s.runName) row('runName', t('Run name'), s.runName);
  row('run', t('Run'), s.runUuid, true);
  row('status', t('Status'), s.status);
  const when = el('time', undefined, s.when);
  when.dateTime = s.whenIso;
  const whenDd = el('dd');
  whenDd.dataset.field = 'when';
  whenDd.append(when);
  meta.append(el('dt', undefined, t('Scored')), whenDd);

  const parts: HTMLElement[] = [head, file, rate, counts, meta];
  if (s.stale) {
    const banner = el('div', 'banner banner-stale', t('Stale: the file changed since it was scored. Verdicts and positions may be out of date; score it again to refresh.'));
    banner.id = 'aymara-stale';
    banner.setAttribute('role', 'status');
    parts.push(banner);
  }
  if (s.notes.length) {
    const notes = el('section', 'notes');
    notes.id = 'aymara-notes';
    notes.setAttribute('aria-label', t('Notes'));
    notes.append(el('h2', 'notes-title', t('Notes')));
    const ul = el('ul');
    for (const n of s.notes) {
      const li = el('li', undefined, n);
      li.dir = 'auto';
      ul.append(li);
    }
    notes.append(ul);
    parts.push(notes);
  }
  ui.summary.replaceChildren(...parts);
}

function renderFilter(m: WebviewModel): void {
  if (!ui) return;
  const legend = el('legend', 'visually-hidden', t('Filter by verdict'));
  const options: HTMLElement[] = [legend];
  for (const f of m.filters) {
    const label = el('label', `filter-option verdict-${f.id}`);
    label.dataset.filter = f.id;
    const input = el('input');
    input.type = 'radio';
    input.name = 'aymara-filter';
    input.value = f.id;
    input.checked = state.filter === f.id;
    label.append(input, el('span', 'filter-label', f.label), el('span', 'filter-count', String(f.count)));
    options.push(label);
  }
  ui.filter.setAttribute('role', 'radiogroup');
  ui.filter.setAttribute('aria-label', t('Filter by verdict'));
  ui.filter.replaceChildren(...options);
}

// ------------------------------------------------------------------------------------------
// cards

function textId(key: string, field: TextField): string {
  return `${key}\u0001${field}`;
}

function field(c: CardModel, name: TextField, label: string, text: string | undefined, emptyText: string, extraClass = ''): HTMLElement {
  const cls = name === 'nextPrompt' ? 'next-prompt' : name;
  const section = el('section', `field field-${cls}`);
  const h = el('h3', 'field-label', label);
  section.append(h);
  if (name === 'prompt' && c.category) {
    const cat = el('span', 'field-category');
    cat.append(document.createTextNode(`${t('Category')}: `), bdi('category', c.category));
    section.append(cat);
  }
  if (!text) {
    section.append(el('p', 'field-empty', emptyText));
    return section;
  }
  const id = textId(c.key, name);
  const full = expanded.has(id) ? fullTexts.get(id) : undefined;
  section.append(textBlock(`field-text${extraClass}`, full ?? text));
  const total = c.totals?.[name];
  if (total !== undefined) {
    const b = el('button', 'show-all', full !== undefined ? t('Show less') : t('Show all ({0} characters)', total.toLocaleString()));
    b.type = 'button';
    b.dataset.field = name;
    b.setAttribute('aria-expanded', String(full !== undefined));
    section.append(b);
  }
  return section;
}

function cardEl(c: CardModel, index: number): HTMLLIElement {
  const li = el('li', `card verdict-${c.verdict}`);
  li.dataset.key = c.key;
  li.dataset.verdict = c.verdict;
  li.dataset.promptUuid = c.promptUuid;
  li.dataset.index = String(index);
  if (c.key === highlighted) {
    li.classList.add('card-highlight');
    li.setAttribute('aria-current', 'true');
  }

  const button = el('button', 'card-reveal');
  button.type = 'button';
  const where = c.line !== undefined ? t('Line {0}', c.line) : t('Not in file');
  const conf = c.confidence !== undefined ? t('{0} confidence', c.confidence) : undefined;
  button.append(el('span', `badge verdict-${c.verdict}`, c.verdictLabel));
  if (conf) button.append(el('span', 'card-confidence', conf));
  if (c.thread) button.append(bdi('card-thread', c.thread));
  button.append(el('span', c.line !== undefined ? 'card-location' : 'card-location not-in-file', where));
  if (c.line !== undefined) button.append(el('span', 'card-go', t('Go to response')));
  else button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-label', [c.verdictLabel, conf, c.thread, where].filter(Boolean).join(', ') + `: ${preview(c.prompt)}`);
  li.append(button);

  li.append(
    c.promptKnown
      ? field(c, 'prompt', t('Prompt'), c.prompt, '')
      : field(c, 'prompt', t('Prompt id (text not loaded)'), c.prompt, '', ' mono'),
    field(c, 'response', t('Response'), c.response, t('No response text.')),
    field(c, 'explanation', t('Explanation'), c.explanation, t('No explanation.')),
  );
  if (c.nextPrompt) li.append(field(c, 'nextPrompt', t('Next prompt'), c.nextPrompt, ''));
  if (c.responseUuid) {
    const ids = el('p', 'card-ids mono');
    ids.append(bdi('response-uuid', c.responseUuid));
    li.append(ids);
  }
  return li;
}

/** Render cards [from, to) of `filtered` as list items. */
function buildCards(from: number, to: number): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (let i = from; i < to; i++) {
    const c = filtered[i];
    if (!c) continue;
    const li = cardEl(c, i);
    cardEls.set(c.key, li);
    frag.append(li);
  }
  return frag;
}

function dropCard(li: Element | null): void {
  const key = (li as HTMLElement | null)?.dataset.key;
  if (key !== undefined) cardEls.delete(key);
  li?.remove();
}

/** Extend the window downwards to `upTo` (exclusive), dropping cards from the top past MAX_DOM. */
function appendCards(upTo: number): void {
  if (!ui) return;
  const to = Math.min(upTo, filtered.length);
  if (to <= end) return;
  ui.list.append(buildCards(end, to));
  end = to;
  while (end - start > MAX_DOM) {
    dropCard(ui.list.firstElementChild);
    start++;
  }
  updateWindow();
}

/** Extend the window upwards to `from`, dropping cards from the bottom past MAX_DOM. */
function prependCards(from: number): void {
  if (!ui) return;
  const f = Math.max(0, from);
  if (f >= start) return;
  ui.list.prepend(buildCards(f, start));
  start = f;
  while (end - start > MAX_DOM) {
    dropCard(ui.list.lastElementChild);
    end--;
  }
  updateWindow();
}

/** Replace the window with cards around `index` (for jumps far from what is rendered). */
function jumpTo(index: number): void {
  if (!ui) return;
  ui.list.replaceChildren();
  cardEls.clear();
  start = end = Math.max(0, Math.min(index - JUMP_BEFORE, filtered.length));
  appendCards(Math.max(index + 1, start + PAGE));
}

/** Make sure card `index` is in the DOM, growing the window when it is near, jumping otherwise. */
function ensureRendered(index: number): void {
  if (index >= start && index < end) return;
  if (index >= end && index < end + 2 * PAGE) appendCards(index + 1 + PAGE / 2);
  else if (index < start && index >= start - 2 * PAGE) prependCards(index - PAGE / 2);
  else jumpTo(index);
}

function renderMore(): void {
  if (end >= filtered.length) return;
  appendCards(end + PAGE);
  rearm();
}

function renderEarlier(): void {
  if (start <= 0) return;
  prependCards(start - PAGE);
  rearm();
}

/** Re-arm the observer: a sentinel still in view reports again. */
function rearm(): void {
  if (!ui) return;
  for (const s of [ui.more, ui.earlier]) {
    observer.unobserve(s);
    observer.observe(s);
  }
}

function updateWindow(): void {
  if (!ui || !model) return;
  ui.more.hidden = end >= filtered.length;
  ui.earlier.hidden = start <= 0;
  ui.moreText.textContent = t('Showing {0}–{1} of {2}', filtered.length ? start + 1 : 0, end, filtered.length);
  ui.earlierText.textContent = t('{0} earlier responses', start);
  ui.matchCount.textContent = t('{0} of {1} responses', filtered.length, model.cards.length);
  ui.noMatch.hidden = filtered.length > 0;
  ui.noMatch.textContent = model.cards.length ? t('No responses match.') : t('No responses in this run.');
  post({ type: 'rendered', cards: end - start, matching: filtered.length });
}

/** Recompute the matching cards and render from the top, or keep the window [keepFrom, keepTo) (live updates). */
function applyFilter(userChange: boolean, keep?: { from: number; to: number }): void {
  if (!ui || !model) return;
  const q = state.search.trim().toLowerCase();
  filtered = model.cards.filter((c) => matchesFilter(c, state.filter) && (!q || haystack(c).includes(q)));
  ui.list.replaceChildren();
  cardEls.clear();
  start = end = Math.min(keep?.from ?? 0, filtered.length);
  appendCards(Math.max(start + PAGE, keep?.to ?? 0));
  rearm();
  if (userChange) {
    const top = ui.list.getBoundingClientRect().top + window.scrollY;
    if (window.scrollY > top) window.scrollTo(0, Math.max(0, top - 120));
    state.anchor = undefined;
    saveState();
  }
}

function setHighlight(key: string | undefined): void {
  if (highlighted !== undefined) {
    const old = cardEls.get(highlighted);
    old?.classList.remove('card-highlight');
    old?.removeAttribute('aria-current');
  }
  highlighted = key;
  if (key === undefined) return;
  const li = cardEls.get(key);
  li?.classList.add('card-highlight');
  li?.setAttribute('aria-current', 'true');
}

/** Render up to a card (clearing filter and search if they hide it), scroll to it, highlight it. */
function focusCard(key: string): void {
  if (!ui || !model) return;
  let index = filtered.findIndex((c) => c.key === key);
  if (index < 0) {
    if (!model.cards.some((c) => c.key === key)) return;
    state.filter = 'all';
    state.search = '';
    ui.search.value = '';
    ui.filter.querySelectorAll('input').forEach((input) => (input.checked = input.value === 'all'));
    applyFilter(false);
    index = filtered.findIndex((c) => c.key === key);
  }
  ensureRendered(index);
  setHighlight(key);
  cardEls.get(key)?.scrollIntoView({ block: 'center' });
  rearm();
}

function onListClick(ev: MouseEvent): void {
  const target = ev.target as Element | null;
  const li = target?.closest('li.card') as HTMLLIElement | null;
  const key = li?.dataset.key;
  if (!li || key === undefined) return;
  const showAll = target?.closest('button.show-all') as HTMLButtonElement | null;
  if (showAll) {
    toggleFull(key, showAll.dataset.field as TextField);
    return;
  }
  if (!target?.closest('button.card-reveal')) {
    // Selecting text in a card must not jump away.
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && sel.toString().length > 0) return;
  }
  reveal(key);
}

function reveal(key: string): void {
  const c = model?.cards.find((x) => x.key === key);
  if (!c) return;
  setHighlight(key);
  if (c.line === undefined) {
    announce(t('This response is not in the file.'));
    return;
  }
  post({ type: 'reveal', key });
}

function toggleFull(key: string, name: TextField): void {
  const id = textId(key, name);
  if (expanded.has(id)) {
    expanded.delete(id);
    rerenderCard(key, name);
  } else if (fullTexts.has(id)) {
    expanded.add(id);
    rerenderCard(key, name);
  } else {
    expanded.add(id);
    announce(t('Loading full text…'));
    post({ type: 'expand', key, field: name });
  }
}

function rerenderCard(key: string, focusField?: TextField): void {
  const old = cardEls.get(key);
  const index = old ? Number(old.dataset.index) : -1;
  const c = filtered[index];
  if (!old || !c || c.key !== key) return;
  const li = cardEl(c, index);
  old.replaceWith(li);
  cardEls.set(key, li);
  if (focusField) (li.querySelector(`button.show-all[data-field="${focusField}"]`) as HTMLButtonElement | null)?.focus();
}

function onListKey(ev: KeyboardEvent): void {
  const target = ev.target as Element | null;
  const li = target?.closest('li.card') as HTMLLIElement | null;
  if (!li || !target?.classList.contains('card-reveal')) return;
  const index = Number(li.dataset.index);
  let next: number | undefined;
  if (ev.key === 'ArrowDown') next = index + 1;
  else if (ev.key === 'ArrowUp') next = index - 1;
  else if (ev.key === 'Home') next = 0;
  else if (ev.key === 'End') next = filtered.length - 1;
  if (next === undefined) return;
  ev.preventDefault();
  if (next < 0 || next >= filtered.length) return;
  ensureRendered(next);
  rearm();
  const c = filtered[next];
  const btn = c ? (cardEls.get(c.key)?.querySelector('button.card-reveal') as HTMLButtonElement | null) : null;
  btn?.focus();
  btn?.scrollIntoView({ block: 'nearest' });
}

// ------------------------------------------------------------------------------------------
// messages

function onData(m: WebviewModel, focus: string | undefined): void {
  const live = model?.runUuid === m.runUuid; // an update of the run on screen
  const reloaded = model === undefined && state.runUuid === m.runUuid; // the page came back (reload, shown again)
  const keep = live ? { from: start, to: end } : undefined;
  const scroll = live ? window.scrollY : 0;
  if (!live) {
    fullTexts.clear();
    expanded.clear();
    highlighted = undefined;
  }
  model = m;
  haystacks = new WeakMap();
  state.fileUri = m.fileUri;
  state.runUuid = m.runUuid;
  if (!ui) ui = buildSkeleton();
  root.dataset.state = 'ready';
  root.dataset.run = m.runUuid;
  root.removeAttribute('aria-busy');
  renderSummary(m);
  renderFilter(m);
  if (ui.search.value !== state.search) ui.search.value = state.search;
  applyFilter(false, keep);
  if (focus !== undefined) {
    focusCard(focus);
  } else if (live) {
    window.scrollTo(0, scroll);
  } else if (reloaded && state.anchor !== undefined && filtered.some((c) => c.key === state.anchor)) {
    const anchor = state.anchor;
    ensureRendered(filtered.findIndex((c) => c.key === anchor));
    scrollCardToTop(anchor);
    // Cards above were laid out at their estimated size (content-visibility); settle, then again.
    requestAnimationFrame(() => requestAnimationFrame(() => scrollCardToTop(anchor)));
  } else if (reloaded) {
    window.scrollTo(0, state.scrollY);
  } else {
    window.scrollTo(0, 0);
    state.anchor = undefined;
  }
  rearm();
  saveState();
}

/** Scroll so a card sits just below the sticky toolbar. */
function scrollCardToTop(key: string): void {
  const li = cardEls.get(key);
  const bar = document.getElementById('aymara-toolbar');
  if (!li) return;
  const offset = bar ? bar.getBoundingClientRect().height : 0;
  window.scrollTo(0, Math.max(0, li.getBoundingClientRect().top + window.scrollY - offset - 4));
}

/** The card at the top of the view (under the toolbar), if any. */
function topCard(): string | undefined {
  const bar = document.getElementById('aymara-toolbar');
  const y = (bar ? bar.getBoundingClientRect().bottom : 0) + 8;
  const x = Math.min(window.innerWidth - 1, 40);
  const li = document.elementFromPoint(x, y)?.closest('li.card') as HTMLElement | null;
  return li?.dataset.key;
}

function onEmpty(message: string): void {
  model = undefined;
  ui = undefined;
  filtered = [];
  start = end = 0;
  cardEls.clear();
  observer.disconnect();
  root.dataset.state = 'empty';
  root.removeAttribute('aria-busy');
  root.replaceChildren(el('p', 'empty-message', message));
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const msg = ev.data as HostMessage | undefined;
  if (typeof msg !== 'object' || msg === null) return;
  switch (msg.type) {
    case 'data':
      strings = msg.strings ?? {};
      onData(msg.model, msg.focus);
      break;
    case 'focus':
      focusCard(msg.key);
      break;
    case 'full': {
      const id = textId(msg.key, msg.field);
      fullTexts.set(id, msg.text);
      if (expanded.has(id)) rerenderCard(msg.key, msg.field);
      break;
    }
    case 'empty':
      strings = msg.strings ?? {};
      onEmpty(msg.message);
      break;
  }
});

let scrollTimer: number | undefined;
window.addEventListener(
  'scroll',
  () => {
    window.clearTimeout(scrollTimer);
    scrollTimer = window.setTimeout(() => {
      if (!model) return;
      state.scrollY = window.scrollY;
      state.anchor = topCard();
      saveState();
    }, 200);
  },
  { passive: true },
);

window.addEventListener('error', (e) => post({ type: 'error', message: String(e.message ?? 'error') }));
window.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: String((e.reason as Error | undefined)?.message ?? e.reason) }));

root.append(el('p', 'loading', t('Loading…')));
post({ type: 'ready' });
