// The report: per-kind tables of the verdicts and of agreement, the disagreements grouped by
// kind, kind of disagreement and field, each with an example, and the closing
// `N passed, N failed` line (one document passes when every check agrees on it).
import type { Failure, Verdicts } from './judge.js';

interface Row {
  docs: number;
  apiRejected: number;
  istiodRejected: number;
  cliRejected: number;
  webhookDenied: number;
  reference: number;
  cliWebhook: number;
  errors: number;
}

function table(all: readonly Verdicts[], failures: readonly Failure[]): string[] {
  const rows = new Map<string, Row>();
  const row = (k: string): Row => {
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { docs: 0, apiRejected: 0, istiodRejected: 0, cliRejected: 0, webhookDenied: 0, reference: 0, cliWebhook: 0, errors: 0 }));
    return r;
  };
  for (const v of all) {
    const r = row(`${v.family} ${v.kind}`);
    r.docs++;
    if (v.api.status === 'error') r.errors++;
    if (v.api.status === 'rejected') r.apiRejected++;
    if (v.istiod && !v.istiod.allowed) r.istiodRejected++;
    if (!v.cli.valid) r.cliRejected++;
    if (v.webhook && !v.webhook.valid) r.webhookDenied++;
  }
  for (const f of failures) {
    const r = row(`${f.v.family} ${f.v.kind}`);
    if (f.check === 'reference') r.reference++;
    else r.cliWebhook++;
  }
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  const lines = [`${'kind'.padEnd(56)}${pad('docs', 6)}${pad('api rej', 9)}${pad('istiod rej', 11)}${pad('cli rej', 9)}${pad('hook deny', 10)}${pad('ref agree', 11)}${pad('cli=hook', 10)}${pad('api err', 9)}`];
  for (const [k, r] of [...rows].sort()) {
    const judged = r.docs - r.errors;
    lines.push(`${k.padEnd(56)}${pad(r.docs, 6)}${pad(r.apiRejected, 9)}${pad(r.istiodRejected, 11)}${pad(r.cliRejected, 9)}${pad(r.webhookDenied, 10)}${pad(`${judged - r.reference}/${judged}`, 11)}${pad(`${judged - r.cliWebhook}/${judged}`, 10)}${pad(r.errors, 9)}`);
  }
  return lines;
}

function groups(failures: readonly Failure[]): string[] {
  const byGroup = new Map<string, Failure[]>();
  for (const f of failures) byGroup.set(f.group, [...(byGroup.get(f.group) ?? []), f]);
  const lines: string[] = [];
  for (const [g, fs] of [...byGroup].sort((a, b) => b[1].length - a[1].length)) {
    const ex = fs[0] as Failure;
    lines.push(`${fs.length} × ${g}`);
    lines.push(`    e.g. #${ex.v.index} ${ex.v.source} [${ex.v.edits.join('; ')}]`);
    lines.push(`    api: ${ex.v.api.status} ${ex.v.api.message.slice(0, 220)}`);
    if (ex.v.istiod) lines.push(`    istiod: ${ex.v.istiod.allowed ? 'allowed' : 'denied'} ${ex.v.istiod.message.slice(0, 220)}`);
    lines.push(`    cli: ${ex.v.cli.valid ? 'valid' : 'invalid'} ${ex.v.cli.errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`).join('; ').slice(0, 300)}`);
    if (ex.v.webhook) lines.push(`    webhook: ${ex.v.webhook.valid ? 'allowed' : 'denied'} ${ex.v.webhook.errors[0]?.message.slice(0, 220) ?? ''}`);
  }
  return lines;
}

export function formatReport(all: readonly Verdicts[], failures: readonly Failure[]): string {
  const failed = new Set(failures.map((f) => f.v.index));
  const judged = all.filter((v) => v.api.status !== 'error');
  const errors = all.length - judged.length;
  return [
    ...table(all, failures),
    '',
    failures.length === 0 ? 'no disagreements' : 'disagreements, grouped:',
    ...groups(failures),
    '',
    errors > 0 ? `${errors} documents got an API error (not a verdict) and were not judged` : '',
    `${judged.length - failed.size} passed, ${failed.size} failed`,
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n');
}
