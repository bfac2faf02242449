/**
 * The questions of Override Verdict…: pass or fail (quick pick), confidence 0–1 (input box,
 * checked as typed), explanation (input box, required). Escape at any step ends the form with
 * nothing to send. In the integration suites (ExtensionMode.Test only) the answers can be given
 * beforehand (`TestCommand.overrideAnswers`), since a test cannot type into a quick input; they
 * go through the same checks, and what was asked is recorded either way.
 */
import * as vscode from 'vscode';
import { checkExplanation, parseConfidence } from '../../core/override/formRules';
import { verdictLabel } from '../../core/present/labels';
import { inert } from '../../core/present/text';
import type { ResultItem, RunResult } from '../../core/results';
import type { VerdictOverride } from '../../core/review';
import type { Services } from '../services';
import { entryRow } from './target';

/** Answers given beforehand; a missing or null answer is Escape at that step. */
export interface FormAnswers {
  /** The key of the entry to pick (palette, file or run rows). */
  entry?: string | null;
  verdict?: 'pass' | 'fail' | null;
  confidence?: string | null;
  explanation?: string | null;
}

/** What the form asked: each step's title, and the problems the checks found in typed answers. */
export interface FormAsked {
  steps: string[];
  problems: string[];
  /** The labels of the entries offered by the pick. */
  entries: string[];
}

export class OverrideForm {
  answers: FormAnswers | undefined;
  asked: FormAsked = { steps: [], problems: [], entries: [] };

  constructor(private readonly s: Pick<Services, 'prompts'>) {}

  /** Answers for the next command (tests); clears what was asked. */
  prepare(a: FormAnswers | undefined): void {
    this.answers = a;
    this.asked = { steps: [], problems: [], entries: [] };
  }

  /** Called once a command is done: answers given beforehand serve one command. */
  done(): void {
    this.answers = undefined;
  }

  async pickEntry(run: RunResult, items: readonly ResultItem[], title: string): Promise<ResultItem | undefined> {
    const rows = items.map((i) => entryRow(this.s, run, i));
    this.asked.steps.push(title);
    this.asked.entries = rows.map((r) => r.label);
    if (this.answers) return items.find((i) => i.key === this.answers?.entry);
    const picked = await vscode.window.showQuickPick(rows, { title, placeHolder: vscode.l10n.t('Pick the response to review'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
    return picked ? items.find((i) => i.key === picked.key) : undefined;
  }

  /** The override to send, or undefined when a step was dismissed. */
  async ask(run: RunResult, item: ResultItem, promptText: string): Promise<Required<VerdictOverride> | undefined> {
    const t = vscode.l10n.t;
    const what = inert(promptText, 60);
    const now = `${verdictLabel(item.verdict, t)}${item.confidence === null ? '' : ` (${Math.round(item.confidence * 100)}%)`}`;

    const title1 = t('Override Verdict (1/3): {0}', what);
    this.asked.steps.push(title1);
    const verdict = this.answers
      ? (this.answers.verdict ?? undefined)
      : (
          await vscode.window.showQuickPick(
            [
              { label: t('Pass'), description: t('The response is acceptable'), id: 'pass' as const },
              { label: t('Fail'), description: t('The response is not acceptable'), id: 'fail' as const },
            ],
            { title: title1, placeHolder: t('The verdict this response should have (now {0})', now), ignoreFocusOut: true },
          )
        )?.id;
    if (!verdict) return undefined;

    const title2 = t('Override Verdict (2/3): {0}', what);
    const confidenceText = await this.input(title2, this.answers?.confidence, {
      prompt: t('How sure you are, from 0 to 1 (for example 0.9)'),
      value: item.confidence === null ? '' : String(Math.round(item.confidence * 100) / 100),
      check: (v) => {
        const c = parseConfidence(v);
        return c.ok ? undefined : t(c.problem);
      },
    });
    if (confidenceText === undefined) return undefined;
    const confidence = parseConfidence(confidenceText);
    if (!confidence.ok) return undefined;

    const title3 = t('Override Verdict (3/3): {0}', what);
    const explanationText = await this.input(title3, this.answers?.explanation, {
      prompt: t('Why the verdict changes (required; kept in the verdict history)'),
      value: '',
      check: (v) => {
        const e = checkExplanation(v);
        return e.ok ? undefined : t(e.problem);
      },
    });
    if (explanationText === undefined) return undefined;
    const explanation = checkExplanation(explanationText);
    if (!explanation.ok) return undefined;

    return { is_passed: verdict === 'pass', confidence: confidence.value, explanation: explanation.value };
  }

  /** One input box; with answers given beforehand, an answer the check refuses counts as Escape after the box showed the problem. */
  private async input(title: string, answer: string | null | undefined, o: { prompt: string; value: string; check: (v: string) => string | undefined }): Promise<string | undefined> {
    this.asked.steps.push(title);
    if (this.answers) {
      if (answer === undefined || answer === null) return undefined;
      const problem = o.check(answer);
      if (problem !== undefined) {
        this.asked.problems.push(problem);
        return undefined;
      }
      return answer;
    }
    return vscode.window.showInputBox({ title, prompt: o.prompt, value: o.value, ignoreFocusOut: true, validateInput: o.check });
  }
}
