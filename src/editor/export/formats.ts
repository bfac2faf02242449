import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../core/results';
import { readFileText } from '../fileText';

/** The formats Export Results… writes: the command line's --format writers, plus CSV and Markdown. */
export const FORMATS = ['csv', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(x: unknown): x is Format {
  return (FORMATS as readonly unknown[]).includes(x);
}

/** How each format is offered and named. */
export const FORMAT_INFO: Readonly<Record<Format, { label: string; extension: string; detail: string }>> = {
  csv: { label: 'CSV', extension: 'csv', detail: 'One row per response, for spreadsheets.' },
  json: { label: 'JSON', extension: 'json', detail: 'The command line\'s JSON report: counts and every result.' },
  sarif: { label: 'SARIF', extension: 'sarif', detail: 'SARIF 2.1.0 for code scanning tools, with each response\'s place in the file.' },
  junit: { label: 'JUnit XML', extension: 'xml', detail: 'One test case per response, for CI test reports.' },
  markdown: { label: 'Markdown', extension: 'md', detail: 'A readable report with a table of every response.' },
};

/** What the writers need besides the run: the file's label, its URI, where the report goes and the tool's version. */
export interface RenderContext {
  file: vscode.Uri;
  target: vscode.Uri;
  fileLabel: string;
  version: string;
  maxFileBytes: number;
}

/**
 * The report text of a run in a format, through the same core writers as the command line
 * (loaded on first use, not at activation). SARIF places each result by offsets in the file's
 * current text (the store keeps locations in step with edits), so it reads the file.
 */
export async function render(format: Format, run: RunResult, c: RenderContext): Promise<string> {
  switch (format) {
    case 'csv':
      return (await import('../../core/report/csv')).writeCsv(run, c.fileLabel);
    case 'json':
      return (await import('../../core/report/json')).writeJson(run);
    case 'junit':
      return (await import('../../core/report/junit')).writeJunit(run, c.fileLabel);
    case 'markdown':
      return (await import('../../core/report/markdown')).writeMarkdown(run, c.fileLabel);
    case 'sarif': {
      const [{ writeSarif, artifactUri }, { LineIndex }] = await Promise.all([import('../../core/report/sarif'), import('../../core/textIndex')]);
      const { text } = await readFileText(c.file, c.maxFileBytes);
      const fileUri = c.file.scheme === 'file' ? artifactUri(c.file.fsPath, c.target.scheme === 'file' ? dirname(c.target.fsPath) : undefined) : c.file.toString();
      return writeSarif(run, fileUri, new LineIndex(text), c.version, undefined);
    }
  }
}

/** The suggested report name: the file's name without .json/.jsonl, the run's short id, the format's extension. */
export function defaultName(file: vscode.Uri, run: RunResult, format: Format): string {
  const base = (file.path.split('/').pop() ?? 'results').replace(/\.jsonl?$/i, '');
  const id = run.eval_run_uuid.replace(/^[a-z_]+\./i, '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 8) || 'run';
  const safe = base.replace(/[^\p{L}\p{N}._ -]/gu, '-') || 'results';
  return `${safe}.${id}.${FORMAT_INFO[format].extension}`;
}
