/** Result items for tests of the results model (comparisons, merged views). */
import { responseKey, type ResultItem, type Verdict } from '../../src/core/results';

export function item(prompt: string, verdict: Verdict, o: Partial<ResultItem> = {}): ResultItem {
  const thread_uuid = o.thread_uuid ?? null;
  const turn_number = o.turn_number ?? 1;
  return {
    key: responseKey({ prompt_uuid: prompt, thread_uuid, turn_number }),
    prompt_uuid: prompt, thread_uuid, turn_number, verdict,
    confidence: 0.9, explanation: `${verdict} because`, response_uuid: null, next_prompt: null, response_text: null,
    entry_index: 0, location: null, ...o,
  };
}
