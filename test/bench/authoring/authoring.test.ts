/**
 * Test Explorer publishing and prompt completion, timed inside the real extension host with the
 * real VS Code API (test/bench/authoring.ts starts it):
 *
 * - Publishing: the 10,000-entry bench file's run (scored by the local server named in
 *   $AYMARA_BENCH_AUTHORING_SERVER) turned into Test Explorer items and published as a TestRun, by
 *   the extension's own code (`syncFileItems` + `publishResults`, what the extension runs when the
 *   Testing view asks), against JSON.parse of the same run's reply, in this process.
 * - Completion: the extension's prompt completion provider on a responses file for an eval of
 *   10,000 prompts that are already cached, asked for the list at a `prompt_uuid` value.
 *
 * Writes the figures as JSON to $AYMARA_BENCH_AUTHORING_OUT.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseResponsesFile, toScoreRequest } from '../../../src/core/responsesFile';
import { EvalRunResult } from '../../../src/core/schemas';
import { matchResults } from '../../../src/core/scoring';
import type { CachedPrompt } from '../../../src/editor/authoring/model';
import { PromptCompletion } from '../../../src/editor/authoring/completion';
import { publishResults } from '../../../src/editor/testExplorer/publish';
import { syncFileItems, type ItemTarget } from '../../../src/editor/testExplorer/items';
import { Log } from '../../../src/editor/log';

export interface AuthoringResult {
  results: number;
  replyBytes: number;
  /** JSON.parse of the run's reply, each repetition (ms). */
  parseMs: number[];
  /** Items built and the run published, each repetition (ms). */
  publishMs: number[];
  /** Of which building the items (ms). */
  buildMs: number[];
  prompts: number;
  completionItems: number;
  /** The completion list, each repetition (ms). */
  completionMs: number[];
}

const BENCH_EVAL = 'test.bench-authoring-eval';
const PROMPTS = 10_000;
const REPS = 7;

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function scoredReply(server: string, path: string): Promise<string> {
  const text = readFileSync(path, 'utf8');
  const res = await fetch(`${server}/v2/eval-runs/-/score-responses`, {
    method: 'POST',
    headers: { 'x-api-key': process.env.AYMARA_AI_API_KEY ?? '', 'content-type': 'application/json' },
    body: JSON.stringify(toScoreRequest(parseResponsesFile(text, { fileName: path }))),
  });
  const reply = await res.text();
  assert.ok(res.ok, `scoring the bench file failed: HTTP ${res.status} ${reply.slice(0, 300)}`);
  return reply;
}

describe('Test Explorer publishing and prompt completion (bench)', () => {
  it('times both', async () => {
    const out = process.env.AYMARA_BENCH_AUTHORING_OUT;
    const server = process.env.AYMARA_BENCH_AUTHORING_SERVER;
    const file = process.env.AYMARA_BENCH_AUTHORING_FILE;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(out && server && file && workspace, 'the bench sets AYMARA_BENCH_AUTHORING_OUT, _SERVER and _FILE, and opens a workspace');

    // ---- Test Explorer
    const reply = await scoredReply(server, file);
    const entries = parseResponsesFile(readFileSync(file, 'utf8'), { fileName: file }).entries;
    const run = EvalRunResult.parse(JSON.parse(reply));
    const result = matchResults(run, run.responses ?? [], entries);
    assert.equal(result.items.length, entries.length, 'every entry has a result');
    const uri = vscode.Uri.file(file);
    const parseMs: number[] = [];
    const publishMs: number[] = [];
    const buildMs: number[] = [];
    for (let rep = 0; rep < REPS + 1; rep++) {
      const p = time(() => JSON.parse(reply));
      const controller = vscode.tests.createTestController(`aymara-bench-${rep}`, 'Aymara bench');
      let published = 0;
      let byKey = new Map<string, vscode.TestItem>();
      const b = time(() => (byKey = syncFileItems(controller, new Map<string, ItemTarget>(), uri, result, () => undefined)));
      const t = b + time(() => {
        const testRun = controller.createTestRun(new vscode.TestRunRequest(), 'bench', true);
        published = publishResults(testRun, uri, result, byKey).length;
        testRun.end();
      });
      controller.dispose();
      assert.equal(published, result.items.filter((i) => i.location).length, 'every placed result is published');
      if (rep === 0) continue; // warm-up
      parseMs.push(p);
      publishMs.push(t);
      buildMs.push(b);
    }

    // ---- completion
    const prompts: CachedPrompt[] = Array.from({ length: PROMPTS }, (_, i) => ({
      prompt_uuid: `question.bench-${String(i + 1).padStart(5, '0')}`,
      content: `Prompt ${i + 1}: how do I descale the KettlePro ${i % 50} without damaging the heating element?`,
      category: i % 3 ? 'appliances' : null,
      thread_uuid: null,
      turn_number: 1,
    }));
    const path = join(workspace, 'completion.responses.json');
    const answered = prompts.slice(0, 20).map((p) => `    { "prompt_uuid": ${JSON.stringify(p.prompt_uuid)}, "content": "An answer." },\n`).join('');
    writeFileSync(path, `{\n  "eval_uuid": ${JSON.stringify(BENCH_EVAL)},\n  "responses": [\n${answered}    { "prompt_uuid": "", "content": "" }\n  ]\n}\n`);
    const doc = await vscode.workspace.openTextDocument(path);
    const line = doc.lineCount - 4; // the last entry
    const position = new vscode.Position(line, doc.lineAt(line).text.indexOf('""') + 1);
    const provider = new PromptCompletion({
      log: new Log(),
      prompts: (e) => (e === BENCH_EVAL ? prompts : undefined),
      fetchPrompts: () => assert.fail('the prompts are cached'),
      evalFor: (_uri, fileEval) => fileEval ?? undefined,
      latestItem: () => undefined,
    });
    const completionMs: number[] = [];
    let completionItems = 0;
    for (let rep = 0; rep < REPS + 2; rep++) {
      let list: vscode.CompletionList | undefined;
      const t = time(() => (list = provider.provideCompletionItems(doc, position)));
      completionItems = list?.items.length ?? 0;
      assert.equal(completionItems, PROMPTS, 'every prompt is offered');
      if (rep >= 2) completionMs.push(t);
    }

    const figures: AuthoringResult = { results: result.items.length, replyBytes: Buffer.byteLength(reply), parseMs, publishMs, buildMs, prompts: PROMPTS, completionItems, completionMs };
    writeFileSync(out, JSON.stringify(figures));
  });
});
