/** Looking a run up by its unique name after a reload: bounded looks, late recording, cancellation. */
import * as assert from 'node:assert/strict';
import { AymaraClient } from '../../src/core/client';
import { lookUpRunByName } from '../../src/core/runLookup';
import { startServer, type LocalServer } from '../../src/server';

const EVAL = 'test.972d78de-f10b-4afb-941b-9f944b0904d1';
const LIST = 'GET /v2/eval-runs';

describe('lookUpRunByName', () => {
  let server: LocalServer;
  let client: AymaraClient;
  before(async () => {
    server = await startServer({ port: 0, apiKey: 'demo-key' });
    client = new AymaraClient({ baseUrl: server.url, apiKey: 'demo-key' });
  });
  beforeEach(() => server.reset());
  after(async () => {
    await client.close();
    await server.close();
  });

  async function submit(name: string): Promise<string> {
    const body = { eval_uuid: EVAL, name, responses: [{ prompt_uuid: 'question.7b278ea3-b343-4f46-9b22-45f4b2598035', content: 'No.' }] };
    const res = await fetch(`${server.url}/v2/eval-runs/-/score-responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'demo-key' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { eval_run_uuid: string }).eval_run_uuid;
  }

  it('looks a bounded number of times, then gives up', async () => {
    const started = Date.now();
    assert.equal(await lookUpRunByName(client, EVAL, 'never sent', { attempts: 3, delayMs: 50 }), undefined);
    assert.equal(server.stats.count(LIST), 3);
    assert.ok(Date.now() - started < 2_000);
  });

  it('finds a run the server recorded after the first look', async () => {
    const looking = lookUpRunByName(client, EVAL, 'recorded late', { attempts: 3, delayMs: 2_000 });
    while (server.stats.count(LIST) < 1) await new Promise((r) => setTimeout(r, 5));
    await submit('recorded late'); // after the first look, before the second
    const found = await looking;
    assert.equal(found?.name, 'recorded late');
    assert.equal(server.stats.count(LIST), 2, 'found on the second look');
  });

  it('finds a run on a later page of runs', async () => {
    const id = await submit('the one');
    for (let i = 0; i < 105; i++) await submit(`other ${i}`);
    const found = await lookUpRunByName(client, EVAL, 'the one', { attempts: 1 });
    assert.equal(found?.eval_run_uuid, id);
    assert.equal(server.stats.count(LIST), 2, 'two pages');
  });

  it('ignores a run with the same name created well before the submission', async () => {
    await submit('reused name');
    assert.equal(await lookUpRunByName(client, EVAL, 'reused name', { attempts: 1, notBefore: Date.now() + 60 * 60_000 }), undefined);
  });

  it('stops waiting between looks when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(lookUpRunByName(client, EVAL, 'never sent', { attempts: 3, delayMs: 10_000, signal: controller.signal }));
    assert.ok(Date.now() - started < 2_000);
    assert.equal(server.stats.count(LIST), 1);
  });
});
