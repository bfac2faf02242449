/** The thumbnail of an image answer on its card, from the workspace file (webview URIs only, under the page's CSP). */
import { describedLocalImage } from '../../src/core/files/thumbnails';
import { el } from './dom';
import { t, type Session } from './session';

let byKey = new Map<string, string>();

/** Take the thumbnails of a data message (result key → webview URI); anything else is ignored. */
export function setThumbnails(msg: { thumbnails?: unknown }): void {
  byKey = new Map();
  const given = msg.thumbnails;
  if (!given || typeof given !== 'object' || Array.isArray(given)) return;
  for (const [key, src] of Object.entries(given as Record<string, unknown>)) {
    if (typeof src === 'string' && src.startsWith('https://')) byKey.set(key, src);
  }
}

/** The card's picture, or undefined when its answer has none. */
export function thumbnailEl(s: Session, key: string, response: string | undefined): HTMLElement | undefined {
  const src = byKey.get(key);
  if (!src) return undefined;
  const figure = el('figure', 'field-thumbnail');
  const img = document.createElement('img');
  img.className = 'thumbnail';
  img.src = src;
  img.alt = t(s, 'Image answer: {0}', describedLocalImage(response) ?? '');
  img.decoding = 'async';
  figure.append(img);
  return figure;
}
