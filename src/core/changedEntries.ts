import type { Entry } from './responsesFile/model';
import { itemIndex, type RunResult } from './results';
import { describeContent } from './scoring';

/**
 * The keys of the file's entries whose content changed since a run scored them: entries the run
 * has no result for (new, or a prompt, thread or turn changed), and entries whose response text
 * or exclusion differs from what the run sent. Entries no longer in the file are not counted
 * (there is nothing to send for them).
 */
export function changedEntryKeys(entries: readonly Pick<Entry, 'key' | 'response'>[], run: RunResult): Set<string> {
  const items = itemIndex(run);
  const changed = new Set<string>();
  for (const e of entries) {
    const item = items.get(e.key);
    if (!item || item.location === null) changed.add(e.key);
    else if (describeContent(e.response) !== item.response_text) changed.add(e.key);
    else if ((e.response.exclude_from_scoring === true) !== (item.verdict === 'excluded')) changed.add(e.key);
  }
  return changed;
}
