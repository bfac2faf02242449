/**
 * Smoke suite: runs inside the real Node extension host of VS Code (code-server), with this
 * repository as the extension under development and test/fixtures/workspaces/smoke as workspace.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'aymara-eval-tools.aymara-eval-scoring';
// out/test/integration/smoke -> repository root
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the extension host`);
  return ext;
}

describe('smoke: the extension in a real VS Code', () => {
  it('is installed from this repository (the development copy)', () => {
    const ext = ourExtension();
    assert.equal(ext.packageJSON.name, 'aymara-eval-scoring');
    assert.equal(ext.packageJSON.publisher, 'aymara-eval-tools');
    assert.equal(path.resolve(ext.extensionUri.fsPath), repoRoot);
  });

  it('runs in a Node extension host, not a web worker', () => {
    assert.equal(ourExtension().extensionKind, vscode.ExtensionKind.Workspace);
    assert.equal(typeof process.versions.node, 'string');
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20, `Node ${process.versions.node}`);
  });

  it('activates without throwing', async () => {
    const ext = ourExtension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers aymara.scoreFile', async () => {
    await ourExtension().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('aymara.scoreFile'), 'aymara.scoreFile is not among the registered commands');
  });

  it('opened the smoke fixture workspace', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const files = await vscode.workspace.findFiles('*.json');
    assert.ok(files.some((f) => path.basename(f.fsPath) === 'responses.json'), `responses.json not found in ${folder.uri.fsPath}`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'responses.json'));
    assert.equal(doc.languageId, 'json');
    assert.match(doc.getText(), /"eval_uuid"/);
  });
});
