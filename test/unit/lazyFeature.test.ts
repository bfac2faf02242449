import * as assert from 'node:assert/strict';
import { LazyFeature } from '../../src/editor/lazyFeature';

describe('LazyFeature: a feature module loaded on its first use', () => {
  const feature = () => {
    const made = { loads: 0, disposed: 0 };
    const lazy = new LazyFeature(async () => {
      made.loads++;
      return { twice: (n: number) => n * 2, dispose: () => void made.disposed++ };
    });
    return { made, lazy };
  };

  it('loads nothing until first used, then once for every call', async () => {
    const { made, lazy } = feature();
    const handler = lazy.handler((f, n: number) => f.twice(n));
    assert.equal(made.loads, 0);
    assert.deepEqual(await Promise.all([handler(1), handler(2)]), [2, 4]);
    assert.equal(await handler(3), 6);
    assert.equal(made.loads, 1);
  });

  it('disposes what it loaded, and refuses to load after being disposed', async () => {
    const { made, lazy } = feature();
    await lazy.get();
    lazy.dispose();
    await new Promise((r) => setImmediate(r));
    assert.equal(made.disposed, 1);
    const unused = feature();
    unused.lazy.dispose();
    await assert.rejects(unused.lazy.get());
    assert.equal(unused.made.loads, 0);
  });

  it('a failed load rejects the call (the command reports it) and the next call sees the same failure', async () => {
    let loads = 0;
    const lazy = new LazyFeature<{ dispose(): void }>(async () => {
      loads++;
      throw new Error('no module');
    });
    await assert.rejects(lazy.get(), /no module/);
    await assert.rejects(lazy.handler(() => 1)(), /no module/);
    assert.equal(loads, 1);
    lazy.dispose();
  });
});
