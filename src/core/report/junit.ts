import type { RunResult } from '../results';
import { headline } from '../results';
import { escapeActive } from './escape';

/**
 * Escape text for XML: drop characters XML 1.0 cannot carry (C0 controls other than tab, line feed
 * and carriage return; lone surrogates; U+FFFE/U+FFFF), and write tab, carriage return and the
 * characters a terminal would act on (see escapeActive) as character references, so the report is
 * inert when printed and an XML parser reads the same text.
 */
export function xml(s: string): string {
  const escaped = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\r]/g, (c) => `&#${c.charCodeAt(0)};`);
  return escapeActive(escaped, (u) => `&#x${u.toString(16)};`);
}

/** JUnit XML: one testcase per response. failed → <failure>, errored → <error>, excluded → <skipped>. */
export function writeJunit(r: RunResult, fileLabel: string): string {
  const c = r.counts;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="aymara-eval" tests="${r.items.length}" failures="${c.failed}" errors="${c.errored}" skipped="${c.excluded}">`);
  out.push(`  <testsuite name="${xml(fileLabel)}" tests="${r.items.length}" failures="${c.failed}" errors="${c.errored}" skipped="${c.excluded}" timestamp="${xml(r.created_at)}">`);
  out.push(`    <properties><property name="eval_uuid" value="${xml(r.eval_uuid)}"/><property name="eval_run_uuid" value="${xml(r.eval_run_uuid)}"/><property name="pass_rate" value="${r.pass_rate ?? ''}"/></properties>`);
  for (const i of r.items) {
    const name = `${i.prompt_uuid}${i.turn_number > 1 ? ` turn ${i.turn_number}` : ''}`;
    const where = i.location ? `${fileLabel}:${i.location.line}:${i.location.column}` : fileLabel;
    const open = `    <testcase classname="${xml(fileLabel)}" name="${xml(name)}" file="${xml(fileLabel)}"${i.location ? ` line="${i.location.line}"` : ''}>`;
    const body = i.explanation ? xml(`${where}\n${i.explanation}`) : xml(where);
    switch (i.verdict) {
      case 'failed':
        out.push(open, `      <failure message="${xml(headline(i))}" type="failed">${body}</failure>`, '    </testcase>');
        break;
      case 'errored':
        out.push(open, `      <error message="${xml(headline(i))}" type="errored">${body}</error>`, '    </testcase>');
        break;
      case 'excluded':
        out.push(open, `      <skipped message="excluded from scoring"/>`, '    </testcase>');
        break;
      default:
        out.push(open, `      <system-out>${xml(headline(i))}</system-out>`, '    </testcase>');
    }
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
