/**
 * Explanations webview script (bundled to media/dist/explanations.js, a browser IIFE).
 *
 * All data arrives in a `data` message and is rendered with createElement + textContent only:
 * responses, prompts and explanations are hostile text. Nothing here creates links, sets HTML,
 * inline styles or loads anything. Cards are rendered a page at a time (PAGE), more as the
 * "show more" sentinel scrolls into view, so a run of 10,000 responses never builds 10,000
 * cards at once; filtering and search work on the data array.
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
 *   #aymara-more, #aymara-show-more the incremental-rendering sentinel and its button
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
  type ModelText,
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
  scrollY: number;
}

const PAGE = 100;
const vscode = acquireVsCodeApi();
const root = document.getElementById('aymara-explanations') as HTMLElement;

let strings: Record<string, string> = {};
const t = (key: string, ...args: (string | number)[]): string => english(strings[key] ?? key, ...args);

let model: WebviewModel | undefined;
let filtered: CardModel[] = [];
let rendered = 0;
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
      more: HTMLElement;
      moreText: HTMLElement;
      noMatch: HTMLElement;
      status: HTMLElement;
    }
  | undefined;

const observer = new IntersectionObserver(
  (entries) => {
    if (entries.some((e) => e.isIntersecting)) renderMore();
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

  root.append(summary, toolbar, hint, list, noMatch, more, status);

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
  return { summary, filter, search, matchCount, list, more, moreText, noMatch, status };
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

function field(c: CardModel, name: TextField, label: string, text: ModelText | undefined, emptyText: string, extraClass = ''): HTMLElement {
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
  section.append(textBlock(`field-text${extraClass}`, full ?? text.text));
  if (text.total !== undefined) {
    const b = el('button', 'show-all', full !== undefined ? t('Show less') : t('Show all ({0} characters)', text.total.toLocaleString()));
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
  button.setAttribute('aria-label', [c.verdictLabel, conf, c.thread, where].filter(Boolean).join(', ') + `: ${preview(c.prompt.text)}`);
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

function appendCards(upTo: number): void {
  if (!ui) return;
  const end = Math.min(upTo, filtered.length);
  if (end <= rendered) return;
  const frag = document.createDocumentFragment();
  for (let i = rendered; i < end; i++) {
    const c = filtered[i];
    if (!c) continue;
    const li = cardEl(c, i);
    cardEls.set(c.key, li);
    frag.append(li);
  }
  ui.list.append(frag);
  rendered = end;
  updateMore();
}

function renderMore(): void {
  if (rendered >= filtered.length) return;
  appendCards(rendered + PAGE);
  // Re-arm the observer: if the sentinel is still in view, it reports again.
  if (ui) {
    observer.unobserve(ui.more);
    observer.observe(ui.more);
  }
}

function updateMore(): void {
  if (!ui || !model) return;
  const left = filtered.length - rendered;
  ui.more.hidden = left <= 0;
  ui.moreText.textContent = t('Showing {0} of {1}', rendered, filtered.length);
  ui.matchCount.textContent = t('{0} of {1} responses', filtered.length, model.cards.length);
  ui.noMatch.hidden = filtered.length > 0;
  ui.noMatch.textContent = model.cards.length ? t('No responses match.') : t('No responses in this run.');
  post({ type: 'rendered', cards: rendered, matching: filtered.length });
}

/** Recompute the matching cards and render the first page (or `keep` cards, to hold the scroll position). */
function applyFilter(userChange: boolean, keep = 0): void {
  if (!ui || !model) return;
  const q = state.search.trim().toLowerCase();
  filtered = model.cards.filter((c) => matchesFilter(c, state.filter) && (!q || haystack(c).includes(q)));
  ui.list.replaceChildren();
  cardEls.clear();
  rendered = 0;
  appendCards(Math.max(PAGE, keep));
  if (userChange) {
    const top = ui.list.getBoundingClientRect().top + window.scrollY;
    if (window.scrollY > top) window.scrollTo(0, Math.max(0, top - 120));
    state.scrollY = window.scrollY;
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
  if (index >= rendered) appendCards(index + 1 + Math.floor(PAGE / 2));
  setHighlight(key);
  cardEls.get(key)?.scrollIntoView({ block: 'center' });
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
  else if (ev.key === 'End') next = rendered - 1;
  if (next === undefined) return;
  ev.preventDefault();
  if (next < 0 || next >= filtered.length) return;
  if (next >= rendered) appendCards(next + PAGE);
  const c = filtered[next];
  const btn = c ? (cardEls.get(c.key)?.querySelector('button.card-reveal') as HTMLButtonElement | null) : null;
  btn?.focus();
  btn?.scrollIntoView({ block: 'nearest' });
}

// ------------------------------------------------------------------------------------------
// messages

function onData(m: WebviewModel, focus: string | undefined): void {
  const sameRun = model?.runUuid === m.runUuid || (model === undefined && state.runUuid === m.runUuid);
  const keep = model?.runUuid === m.runUuid ? rendered : 0;
  const scroll = model?.runUuid === m.runUuid ? window.scrollY : sameRun ? state.scrollY : 0;
  if (model?.runUuid !== m.runUuid) {
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
  } else if (scroll > 0) {
    // Render enough cards to reach the saved position, then go there.
    while (rendered < filtered.length && document.documentElement.scrollHeight < scroll + window.innerHeight) appendCards(rendered + PAGE);
    window.scrollTo(0, scroll);
  } else if (!sameRun) {
    window.scrollTo(0, 0);
  }
  state.scrollY = window.scrollY;
  saveState();
}

function onEmpty(message: string): void {
  model = undefined;
  ui = undefined;
  filtered = [];
  rendered = 0;
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
      saveState();
    }, 200);
  },
  { passive: true },
);

window.addEventListener('error', (e) => post({ type: 'error', message: String(e.message ?? 'error') }));
window.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: String((e.reason as Error | undefined)?.message ?? e.reason) }));

root.append(el('p', 'loading', t('Loading…')));
post({ type: 'ready' });
