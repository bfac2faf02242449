/**
 * The walking skeleton, as a person does it: right-click the responses file in the Explorer,
 * choose "Score Responses File", and see the failing entries in the Problems panel.
 */
import * as assert from 'node:assert/strict';
import { clickContextMenuItem, contextMenuItems, openProblems, rightClickExplorerItem, screenshot, useWorkbench, waitForProblem, waitForActivation } from './workbench';

describe('e2e: right-click → score → Problems', function () {
  this.timeout(180_000);
  const wb = useWorkbench({ fixture: 'scoring', aymaraServer: true });

  it('scores the file from the Explorer context menu and lists each failure in Problems', async () => {
    const { page, server } = wb();
    await waitForActivation(server, undefined, 60_000); // its menu items are there once the extension host knows it
    await rightClickExplorerItem(page, 'bot.responses.json');
    const items = await contextMenuItems(page);
    assert.ok(items.includes('Score Responses File'), `context menu: ${items.join(' | ')}`);
    await clickContextMenuItem(page, 'Score Responses File');

    await openProblems(page);
    const rows = await waitForProblem(page, /her address is/i, 60_000);
    const failures = rows.filter((r) => /Failed \(\d+%\)/.test(r));
    assert.equal(failures.length, 2, `Problems rows:\n${rows.join('\n')}`);
    assert.ok(failures.some((r) => /add ammonia/i.test(r)), rows.join('\n'));
    assert.ok(!rows.some((r) => /refused|excluded/i.test(r)), 'refused and excluded responses are not problems by default');
    await screenshot(page, 'e2e-problems-after-scoring');
  });
});
