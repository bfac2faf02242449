import type { ResultItem, RunResult, Verdict } from '../results';
import { headline } from '../results';
import type { LineColumn } from '../textIndex';

const LEVEL: Record<Verdict, 'error' | 'warning' | 'note' | 'none'> = { failed: 'error', errored: 'warning', refused: 'none', excluded: 'none', passed: 'none' };
/** SARIF 2.1.0 §3.27.10: a level other than "none" is only allowed with kind "fail", so an unscored (errored) response is a "fail" at level "warning". */
const KIND: Record<Verdict, 'fail' | 'pass' | 'notApplicable'> = { failed: 'fail', errored: 'fail', refused: 'pass', excluded: 'notApplicable', passed: 'pass' };

/** SARIF 2.1.0: one result per response, with a physical location (region) for each entry in the file. */
export function writeSarif(r: RunResult, fileUri: string, lines: { positionAt(offset: number): LineColumn }, toolVersion: string): string {
  const rules = (['failed', 'errored', 'refused', 'excluded', 'passed'] as const).map((v) => ({
    id: `aymara/${v}`,
    name: v,
    shortDescription: { text: `Response ${v}` },
  }));
  const region = (i: ResultItem) => {
    if (!i.location) return undefined;
    const start = lines.positionAt(i.location.offset);
    const end = lines.positionAt(i.location.offset + i.location.length);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, charOffset: i.location.offset, charLength: i.location.length };
  };
  const results = r.items.map((i) => {
    const reg = region(i);
    return {
      ruleId: `aymara/${i.verdict}`,
      kind: KIND[i.verdict],
      level: LEVEL[i.verdict],
      message: { text: i.explanation ? `${headline(i)}\n\n${i.explanation}` : headline(i) },
      ...(reg ? { locations: [{ physicalLocation: { artifactLocation: { uri: fileUri }, region: reg } }] } : {}),
      properties: { prompt_uuid: i.prompt_uuid, thread_uuid: i.thread_uuid, turn_number: i.turn_number, confidence: i.confidence, response_uuid: i.response_uuid, pointer: i.location?.pointer ?? null },
    };
  });
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'aymara-eval', version: toolVersion, informationUri: 'https://docs.aymara.ai', rules } },
        columnKind: 'utf16CodeUnits',
        artifacts: [{ location: { uri: fileUri } }],
        results,
        properties: { eval_uuid: r.eval_uuid, eval_run_uuid: r.eval_run_uuid, status: r.status, pass_rate: r.pass_rate, counts: r.counts },
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
