/** The run header (#aymara-summary) and the verdict filter (#aymara-filter). */
import type { WebviewModel } from '../../src/core/report/webviewModel';
import { bdi, el, filterOption } from './dom';
import { t, type Session } from './session';

export function renderSummary(s: Session, m: WebviewModel): void {
  if (!s.ui) return;
  const sum = m.summary;
  const head = el('div', 'summary-heading');
  const h1 = el('h1', 'summary-title');
  h1.append(bdi('summary-eval', sum.title));
  head.append(h1);
  if (sum.evalType) head.append(bdi('summary-type chip', sum.evalType));
  if (sum.sandbox) head.append(el('span', 'summary-sandbox chip', t(s, 'Sandbox run')));
  const file = el('p', 'summary-file');
  file.append(bdi('summary-file-name', m.fileName));

  const rate = el('p', 'summary-rate');
  rate.append(el('span', 'rate-value', sum.passRate), document.createTextNode(' '), el('span', 'rate-label', t(s, 'Pass rate')));

  const counts = el('ul', 'summary-counts');
  counts.setAttribute('aria-label', t(s, 'Results'));
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
  if (sum.runName) row('runName', t(s, 'Run name'), sum.runName);
  row('run', t(s, 'Run'), sum.runUuid, true);
  row('status', t(s, 'Status'), sum.status);
  const when = el('time', undefined, sum.when);
  when.dateTime = sum.whenIso;
  const whenDd = el('dd');
  whenDd.dataset.field = 'when';
  whenDd.append(when);
  meta.append(el('dt', undefined, t(s, 'Scored')), whenDd);

  const parts: HTMLElement[] = [head, file, rate, counts, meta];
  if (sum.stale) {
    const banner = el('div', 'banner banner-stale', t(s, 'Stale: the file changed since it was scored. Verdicts and positions may be out of date; score it again to refresh.'));
    banner.id = 'aymara-stale';
    banner.setAttribute('role', 'status');
    parts.push(banner);
  }
  if (sum.notes.length) {
    const notes = el('section', 'notes');
    notes.id = 'aymara-notes';
    notes.setAttribute('aria-label', t(s, 'Notes'));
    notes.append(el('h2', 'notes-title', t(s, 'Notes')));
    const ul = el('ul');
    for (const n of sum.notes) {
      const li = el('li', undefined, n);
      li.dir = 'auto';
      ul.append(li);
    }
    notes.append(ul);
    parts.push(notes);
  }
  s.ui.summary.replaceChildren(...parts);
}

export function renderFilter(s: Session, m: WebviewModel): void {
  if (!s.ui) return;
  const legend = el('legend', 'visually-hidden', t(s, 'Filter by verdict'));
  const options: HTMLElement[] = [legend];
  for (const f of m.filters) {
    options.push(filterOption('aymara-filter', `filter-option verdict-${f.id}`, f, s.saved.filter === f.id));
  }
  s.ui.filter.setAttribute('role', 'radiogroup');
  s.ui.filter.setAttribute('aria-label', t(s, 'Filter by verdict'));
  s.ui.filter.replaceChildren(...options);
}
