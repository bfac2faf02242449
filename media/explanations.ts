/**
 * Explanations webview script (bundled to media/dist/explanations.js, a browser IIFE).
 *
 * All data arrives in a `data` message and is rendered with createElement + textContent only:
 * responses, prompts and explanations are hostile text. Nothing here creates links, sets HTML,
 * inline styles or loads anything. Cards are rendered as a window over the filtered data (see
 * explanations/windowing.ts). Filtering and search work on the data array.
 *
 * Modules (media/explanations/): session (the one state object, passed to every module), dom
 * (element builders), skeleton (the page's fixed parts), summary (run header and filter), cards
 * (one card), windowing (which cards are in the DOM), interaction (clicks, keys, focus, "Show all"),
 * messages (messages from the extension, position kept across reloads).
 *
 * DOM hooks (stable, for end-to-end tests):
 *   #aymara-explanations            root; data-state = loading | ready | empty; data-run = run id
 *   #aymara-summary                 run header (.summary-title, .summary-rate, .summary-counts li[data-verdict],
 *                                   .summary-meta dd[data-field=run|runName|status|when|evalType])
 *   #aymara-stale                   stale banner (present only when stale)
 *   #aymara-notes                   run notes (present only when there are notes)
 *   #aymara-filter                  radio group; input[name=aymara-filter][value=all|failed|…]
 *   #aymara-charts                  pass rate charts under the summary (see explanations/charts.ts)
 *   #aymara-sort                    "Sort by" select (see explanations/sort.ts)
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
import { el } from './explanations/dom';
import { onMessage, rememberPosition } from './explanations/messages';
import { createSession, post, t, type VsCodeApi } from './explanations/session';
import { onSentinel } from './explanations/windowing';

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const s = createSession(acquireVsCodeApi(), document.getElementById('aymara-explanations') as HTMLElement, onSentinel);
  window.addEventListener('message', (ev: MessageEvent<unknown>) => onMessage(s, ev.data));
  rememberPosition(s);
  window.addEventListener('error', (e) => post(s, { type: 'error', message: String(e.message ?? 'error') }));
  window.addEventListener('unhandledrejection', (e) => post(s, { type: 'error', message: String((e.reason as Error | undefined)?.message ?? e.reason) }));
  s.root.append(el('p', 'loading', t(s, 'Loading…')));
  post(s, { type: 'ready' });
}

start();
