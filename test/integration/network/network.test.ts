/**
 * The network side of the extension against a hostile server and behind a proxy, in the real
 * extension host: the background prompt fetch after scoring stays bounded when the server lies
 * about its count and stops when disposed; the request time limit and the reply size limit end
 * in messages naming their settings; VS Code's http.proxy / http.proxyStrictSSL / http.noProxy
 * are honoured, through a real CONNECT proxy that never sees the key.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AymaraClient } from '../../../src/core/client';
import type { RunResult } from '../../../src/core/results';
import { PromptCache } from '../../../src/editor/promptCache';
import type { MessageSnapshot } from '../../../src/editor/testCommands';
import { startServer, type LocalServer } from '../../../src/server';
import { edited, json, startStub, trickle, type Stub, type StubHandler } from '../../unit/hostileServer';
import { hasOpenssl, selfSignedCert, startRecordingProxy } from '../../unit/loopbackProxy';
import { DEMO_KEY, activate, testSnapshot, waitFor, workspaceFile } from '../util';

const SCORE = '/v2/eval-runs/-/score-responses';
const PROMPTS = /^\/v2\/evals\/[^/]+\/prompts$/;
const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const G = vscode.ConfigurationTarget.Global;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network: limits, lying servers and proxies', function () {
  this.timeout(90_000);
  let server: LocalServer;
  let stub: Stub;
  let behave: StubHandler | undefined;
  const aymara = () => vscode.workspace.getConfiguration('aymara');
  const http = () => vscode.workspace.getConfiguration('http');

  async function score(): Promise<{ result: RunResult | undefined; message: MessageSnapshot | undefined; ms: number }> {
    await vscode.commands.executeCommand('aymara._test.clearMessages');
    const started = Date.now();
    const result = (await vscode.commands.executeCommand('aymara.scoreFile', workspaceFile('bot.responses.json'))) as RunResult | undefined;
    return { result, message: (await testSnapshot()).messages.at(-1), ms: Date.now() - started };
  }

  before(async () => {
    server = await startServer({ port: 0, apiKey: DEMO_KEY });
    stub = await startStub(server.url, (req, res) => behave?.(req, res));
    await aymara().update('apiBaseUrl', stub.url, G);
    process.env.AYMARA_AI_API_KEY = DEMO_KEY;
    await activate();
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    behave = undefined;
    for (const k of ['requestTimeoutSeconds', 'maxReplySizeMB']) await aymara().update(k, undefined, G);
    for (const k of ['proxy', 'proxyStrictSSL', 'noProxy']) await http().update(k, undefined, G);
    await aymara().update('apiBaseUrl', stub.url, G);
  });
  after(async () => {
    await aymara().update('apiBaseUrl', undefined, G);
    await stub?.close();
    await server?.close();
  });

  describe('the background prompt fetch after scoring', () => {
    /** Scores through the stub with prompt pages rewritten by `page`; returns how many prompt pages were asked for. */
    async function scoreWithPrompts(page: (items: unknown[]) => { items: unknown[]; count: number }): Promise<number> {
      const before = stub.count('GET', PROMPTS);
      behave = async (req) => {
        if (req.method === 'GET' && PROMPTS.test(req.path)) return edited(await req.forward(), (j) => Object.assign(j, page(j.items as unknown[])));
      };
      const { result } = await score();
      assert.equal(result?.counts.failed, 2, 'scoring itself is not affected');
      await waitFor(() => stub.count('GET', PROMPTS) > before, 'the prompt fetch to start');
      await sleep(1_500);
      return stub.count('GET', PROMPTS) - before;
    }

    it('a count of 1e12 with short pages: one page request, and the extension host lives on', async () => {
      const requests = await scoreWithPrompts((items) => ({ items: items.slice(0, 1), count: 1e12 }));
      assert.ok(requests <= 2, `${requests} prompt page requests`);
      assert.ok(Array.isArray((await testSnapshot()).messages), 'the extension still answers');
    });

    it('a count of 1e8 with empty pages: one page request, no flood', async () => {
      const requests = await scoreWithPrompts(() => ({ items: [], count: 1e8 }));
      assert.ok(requests <= 2, `${requests} prompt page requests`);
    });

    it('disposing the cache aborts a fetch in flight at once', async () => {
      const seen = { asked: false, closed: false };
      behave = (req, res) => {
        if (!PROMPTS.test(req.path)) return;
        seen.asked = true;
        res.on('close', () => (seen.closed = true));
        return new Promise<void>(() => undefined); // never answers
      };
      const saved = new Map<string, unknown>();
      const memento: vscode.Memento = {
        keys: () => [...saved.keys()],
        get: <T>(key: string, fallback?: T) => (saved.has(key) ? (saved.get(key) as T) : fallback),
        update: async (key: string, value: unknown) => void saved.set(key, value),
      };
      const warnings: string[] = [];
      const storage = vscode.Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), 'aymara-prompts-')));
      const cache = new PromptCache(memento, storage, { warn: (m) => void warnings.push(m), redactDeep: (v) => v });
      const job = cache.ensure(EVAL, async () => new AymaraClient({ baseUrl: stub.url, apiKey: DEMO_KEY }));
      await waitFor(() => seen.asked, 'the prompt request');
      cache.dispose();
      const done = await Promise.race([job.then(() => true), sleep(5_000).then(() => false)]);
      assert.ok(done, 'ensure() settled after dispose');
      await waitFor(() => seen.closed, 'the prompt request to be aborted', 3_000);
      assert.equal(saved.size, 0, 'nothing was cached');
      assert.deepEqual(fs.readdirSync(storage.fsPath), [], 'nor written to storage');
      assert.deepEqual(warnings, [], 'a disposed cache logs nothing');
    });
  });

  describe('limits per request', () => {
    it('a reply trickling a byte every 40 ms stops at aymara.requestTimeoutSeconds, naming it', async function () {
      this.timeout(40_000);
      await aymara().update('requestTimeoutSeconds', 5, G);
      let reply: ReturnType<typeof trickle> | undefined;
      behave = (req, res) => {
        if (req.method === 'POST' && req.path === SCORE) reply = trickle(res);
      };
      const { result, message, ms } = await score();
      assert.equal(result, undefined);
      const held = reply?.heldMs();
      assert.ok(held !== undefined && held >= 4_000 && held < 7_500, `the extension held the trickling reply for ${held} ms`);
      assert.ok(ms < 30_000, `${ms} ms in all`);
      assert.match(message?.message ?? '', /timed out after 5 s \(the time limit for one request, set by "aymara\.requestTimeoutSeconds"\)/);
      assert.equal(stub.count('POST', SCORE) >= 1, true);
    });

    it('a reply over aymara.maxReplySizeMB is not read, with a message naming the setting', async () => {
      await aymara().update('maxReplySizeMB', 1, G);
      behave = (req) => {
        if (req.method === 'POST' && req.path === SCORE) return json(200, { padding: 'x'.repeat(2 * 1024 * 1024) });
      };
      const { result, message } = await score();
      assert.equal(result, undefined);
      assert.match(message?.message ?? '', /larger than 1 MB, the reply size limit \("aymara\.maxReplySizeMB"\)/);
    });
  });

  describe('VS Code proxy settings', () => {
    it('http.proxy carries the run through a CONNECT proxy that never sees the key; http.proxyStrictSSL off accepts its certificate; http.noProxy bypasses it', async function () {
      if (!hasOpenssl()) this.skip(); // the https API stub needs a throwaway certificate from the openssl command line
      const cert = selfSignedCert();
      const https = await startStub(server.url, () => undefined, cert);
      const proxy = await startRecordingProxy();
      const target = `127.0.0.1:${new URL(https.url).port}`;
      try {
        await aymara().update('apiBaseUrl', https.url, G);
        await http().update('proxy', proxy.url, G);
        await http().update('proxyStrictSSL', false, G);
        const { result, message } = await score();
        assert.equal(result?.counts.failed, 2, message?.message);
        assert.equal(server.runs.count(), 1);
        assert.ok(proxy.connects.includes(target), `CONNECTs seen: ${proxy.connects.join(', ') || 'none'}`);
        assert.match(proxy.seen(target), /^CONNECT 127\.0\.0\.1:\d+ HTTP\/1\.1\r\n/);
        assert.ok(!proxy.seen(target).includes(DEMO_KEY), 'the key is not in what the proxy received');

        await aymara().update('apiBaseUrl', stub.url, G);
        await http().update('noProxy', ['127.0.0.1'], G);
        const direct = await score();
        assert.equal(direct.result?.counts.failed, 2, direct.message?.message);
        assert.ok(!proxy.connects.includes(`127.0.0.1:${stub.port}`), 'the API was reached directly');
      } finally {
        await proxy.close();
        await https.close();
        cert.remove();
      }
    });
  });
});
