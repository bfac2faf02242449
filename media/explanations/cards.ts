/** One card (li.card) per response: the reveal button, the text fields and "Show all". */
import type { CardModel, TextField } from '../../src/core/report/webviewModel';
import { bdi, el, preview, textBlock } from './dom';
import { reviewSection } from './review';
import { t, type Session } from './session';
import { thumbnailEl } from './thumbnail';

/** Key of a card's text field in Session.fullTexts and Session.expanded. */
export function textId(key: string, field: TextField): string {
  return `${key}\u0001${field}`;
}

function field(s: Session, c: CardModel, name: TextField, label: string, text: string | undefined, emptyText: string, extraClass = ''): HTMLElement {
  const cls = name === 'nextPrompt' ? 'next-prompt' : name;
  const section = el('section', `field field-${cls}`);
  const h = el('h3', 'field-label', label);
  section.append(h);
  if (name === 'prompt' && c.category) {
    const cat = el('span', 'field-category');
    cat.append(document.createTextNode(`${t(s, 'Category')}: `), bdi('category', c.category));
    section.append(cat);
  }
  if (!text) {
    section.append(el('p', 'field-empty', emptyText));
    return section;
  }
  const id = textId(c.key, name);
  const full = s.expanded.has(id) ? s.fullTexts.get(id) : undefined;
  section.append(textBlock(`field-text${extraClass}`, full ?? text));
  const total = c.totals?.[name];
  if (total !== undefined) {
    const b = el('button', 'show-all', full !== undefined ? t(s, 'Show less') : t(s, 'Show all ({0} characters)', total.toLocaleString()));
    b.type = 'button';
    b.dataset.field = name;
    b.setAttribute('aria-expanded', String(full !== undefined));
    section.append(b);
  }
  return section;
}

/** The list item of card `c`, the `index`-th of the filtered cards. */
export function cardEl(s: Session, c: CardModel, index: number): HTMLLIElement {
  const li = el('li', `card verdict-${c.verdict}`);
  li.dataset.key = c.key;
  li.dataset.verdict = c.verdict;
  li.dataset.promptUuid = c.promptUuid;
  li.dataset.index = String(index);
  if (c.key === s.highlighted) {
    li.classList.add('card-highlight');
    li.setAttribute('aria-current', 'true');
  }

  const button = el('button', 'card-reveal');
  button.type = 'button';
  const where = c.line !== undefined ? t(s, 'Line {0}', c.line) : t(s, 'Not in file');
  const conf = c.confidence !== undefined ? t(s, '{0} confidence', c.confidence) : undefined;
  button.append(el('span', `badge verdict-${c.verdict}`, c.verdictLabel));
  if (conf) button.append(el('span', 'card-confidence', conf));
  if (c.thread) button.append(bdi('card-thread', c.thread));
  button.append(el('span', c.line !== undefined ? 'card-location' : 'card-location not-in-file', where));
  if (c.line !== undefined) button.append(el('span', 'card-go', t(s, 'Go to response')));
  else button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-label', [c.verdictLabel, conf, c.thread, where].filter(Boolean).join(', ') + `: ${preview(c.prompt)}`);
  li.append(button);

  li.append(
    c.promptKnown
      ? field(s, c, 'prompt', t(s, 'Prompt'), c.prompt, '')
      : field(s, c, 'prompt', t(s, 'Prompt id (text not loaded)'), c.prompt, '', ' mono'),
    field(s, c, 'response', t(s, 'Response'), c.response, t(s, 'No response text.')),
    field(s, c, 'explanation', t(s, 'Explanation'), c.explanation, t(s, 'No explanation.')),
  );
  const thumbnail = thumbnailEl(s, c.key, c.response);
  if (thumbnail) li.querySelector('.field-response')?.append(thumbnail);
  if (c.nextPrompt) li.append(field(s, c, 'nextPrompt', t(s, 'Next prompt'), c.nextPrompt, ''));
  li.append(reviewSection(s, c.key));
  if (c.canContinue) li.append(el('button', 'card-continue', t(s, 'Continue Conversation')));
  if (c.responseUuid) {
    const ids = el('p', 'card-ids mono');
    ids.append(bdi('response-uuid', c.responseUuid));
    li.append(ids);
  }
  return li;
}
