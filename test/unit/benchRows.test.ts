/**
 * The benchmark's own honesty: a figure its probes did not see is not reported as met, and every
 * row carries a stable id.
 */
import * as assert from 'node:assert/strict';
import { activationRowsOf, type ActivationRun } from '../bench/activation';

function run(over: Partial<ActivationRun> = {}): ActivationRun {
  return {
    node: 'v24',
    vscode: '1.139.0',
    wasActive: false,
    apiMs: 20,
    loadMs: 8,
    activateMs: 4,
    totalMs: 15,
    probed: { load: { wallMs: 8, cpuMs: 7 }, activate: { wallMs: 4, cpuMs: 3 } },
    threadCpu: true,
    io: [],
    ...over,
  };
}

const byId = (rows: ReturnType<typeof activationRowsOf>, id: string) => {
  const r = rows.find((x) => x.id === id);
  assert.ok(r, `no row ${id} in ${rows.map((x) => x.id).join(', ')}`);
  return r;
};

describe('bench: activation rows', () => {
  it('meets "I/O = 0" only when the probes saw every activation and no I/O in it', () => {
    assert.equal(byId(activationRowsOf([run(), run()]), 'activation.io').met, true);
    const io = run({ io: [{ kind: 'fs', what: 'fs.readFileSync', phase: 'activation', ours: true }] });
    assert.equal(byId(activationRowsOf([run(), io]), 'activation.io').met, false);
  });

  it('does not meet "I/O = 0" when the probes missed an activation, and says why', () => {
    for (const missed of [run({ wasActive: true }), run({ probed: {} }), run({ probed: { load: { wallMs: 8, cpuMs: 7 } } })]) {
      const r = byId(activationRowsOf([run(), missed]), 'activation.io');
      assert.equal(r.met, false, JSON.stringify(missed));
      assert.match(r.name, /probes missed the activation in 1 of 2 runs/);
    }
  });

  it('gives every row a distinct id, the CPU figure included when it could not be measured', () => {
    for (const rows of [activationRowsOf([run()]), activationRowsOf([run({ probed: {} })])]) {
      const ids = rows.map((r) => r.id);
      assert.deepEqual([...new Set(ids)], ids);
      for (const id of ['activation.wall', 'activation.cpu', 'activation.io']) byId(rows, id);
    }
  });
});
