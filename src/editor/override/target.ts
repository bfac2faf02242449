/**
 * Which result Override Verdict… and Show Verdict History act on, whoever invoked them: a results
 * tree row (its node), a quick fix or an explanations card (file URI string and result key), the
 * palette (nothing: an entry of the active file's latest run, picked), a file or run row (an entry
 * of that file, picked). Anything else is refused with a message; nothing is sent.
 */
import * as vscode from 'vscode';
import { verdictLabel } from '../../core/present/labels';
import { inert, oneLine } from '../../core/present/text';
import { firstSentence, itemIndex, sortedItems, type ResultItem, type RunResult } from '../../core/results';
import { parseArgs } from '../commandArgs';
import { Command } from '../commandIds';
import { UserError } from '../errors';
import { label } from '../fileText';
import type { Services } from '../services';

type Deps = Pick<Services, 'log' | 'prompts' | 'store'>;

/** The result a review command acts on: its file, the file's latest run, and the item. */
export interface Chosen {
  uri: vscode.Uri;
  run: RunResult;
  item: ResultItem;
}

/** Picks an entry of a run (undefined = dismissed). */
export type PickEntry = (run: RunResult, items: readonly ResultItem[], title: string) => Promise<ResultItem | undefined>;

/** The result the arguments name, or undefined when the user dismissed the pick; a UserError saying what to do when there is none. */
export async function resolveTarget(s: Deps, args: readonly unknown[], what: string, pick: PickEntry): Promise<Chosen | undefined> {
  const t = vscode.l10n.t;
  const target = parseArgs(args);
  const pastRun = treeRowRun(args[0]);
  switch (target.kind) {
    case 'entry': {
      const run = await latestOf(s, target.uri);
      if (pastRun !== undefined && pastRun !== run.eval_run_uuid)
        throw new UserError(t('That response is from an earlier run of {0}; only the latest results can be reviewed here. Pick the response under the latest run.', label(target.uri)), [], 'info');
      const item = itemIndex(run).get(target.key);
      if (!item)
        throw new UserError(t('That response is not in the latest results of {0} any more (the file was scored again). Pick it again in the Aymara results view.', label(target.uri)), [
          { title: t('Show Results'), command: Command.showExplanations, args: [target.uri] },
        ], 'info');
      return { uri: target.uri, run, item };
    }
    case 'none':
    case 'file':
    case 'run':
    case 'group': {
      const uri = target.kind === 'none' ? activeFile() : target.uri;
      if (!uri) throw new UserError(t('Open a scored responses file (or pick a response in the Aymara results view) to {0}.', what), [], 'info');
      const run = await latestOf(s, uri);
      if (target.kind === 'run' && target.runUuid !== run.eval_run_uuid)
        throw new UserError(t('That is an earlier run of {0}; only the latest results can be reviewed here. Pick a response under the latest run.', label(uri)), [], 'info');
      const items = sortedItems(target.kind === 'group' ? run.items.filter((i) => i.verdict === target.verdict) : run.items);
      const item = await pick(run, items, t('Aymara: {0} ({1})', what, label(uri)));
      return item ? { uri, run, item } : undefined;
    }
    default:
      s.log.warn(`A review command received arguments it does not understand: ${target.kind === 'unknown' ? target.what : 'several files'}`);
      throw new UserError(
        t('Aymara could not tell which response this command is for; nothing was sent. Pick the response in the Aymara results view, or open the file and run the command from the Command Palette.'),
        [],
        'warning',
      );
  }
}

/** The file's latest results, or a UserError saying to score it first. */
async function latestOf(s: Deps, uri: vscode.Uri): Promise<RunResult> {
  const t = vscode.l10n.t;
  await s.store.whenLoaded();
  const run = s.store.get(uri)?.latest;
  if (!run) throw new UserError(t('{0} has no results to review yet. Score the file first.', label(uri)), [{ title: t('Score File'), command: Command.scoreFile, args: [uri] }], 'info');
  return run;
}

/** The run of a results tree item row passed as the argument (undefined for other arguments). */
function treeRowRun(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const o = x as Record<string, unknown>;
  return o.kind === 'item' && typeof o.runUuid === 'string' ? o.runUuid : undefined;
}

function activeFile(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri && uri.scheme !== 'output' ? uri : undefined;
}

/** A quick pick row for an entry: verdict and prompt, line, first sentence of the explanation; all inert. */
export function entryRow(s: Pick<Services, 'prompts'>, run: RunResult, i: ResultItem): vscode.QuickPickItem & { key: string } {
  const t = vscode.l10n.t;
  const prompt = s.prompts.prompt(run.eval_uuid, i.prompt_uuid)?.content ?? i.prompt_uuid;
  const conf = i.confidence === null ? '' : ` (${Math.round(i.confidence * 100)}%)`;
  return {
    key: i.key,
    label: `${verdictLabel(i.verdict, t)}${conf}: ${inert(prompt, 100)}`,
    description: i.location ? t('Line {0}', i.location.line) : t('not in file'),
    detail: i.explanation ? inert(oneLine(firstSentence(i.explanation, 200)), 200) : undefined,
  };
}
