// The report: per-kind tables of the verdicts and of agreement, the disagreements grouped by
// kind, kind of disagreement and field, each with an example, and the closing
// `validation: N passed, N failed` line that `npm run test:differential` (run.mjs) collects (one
// document passes when every check agrees on it); and one document in full for `--show N`.
import { stringify } from 'yaml';
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
  const lines = [
    `${'kind'.padEnd(56)}${pad('docs', 6)}${pad('api rej', 9)}${pad('istiod rej', 11)}${pad('cli rej', 9)}${pad('hook deny', 10)}${pad('ref agree', 11)}${pad('cli=hook', 10)}${pad('api err', 9)}`,
  ];
  for (const [k, r] of [...rows].sort()) {
    const judged = r.docs - r.errors;
    lines.push(
      `${k.padEnd(56)}${pad(r.docs, 6)}${pad(r.apiRejected, 9)}${pad(r.istiodRejected, 11)}${pad(r.cliRejected, 9)}${pad(r.webhookDenied, 10)}${pad(`${judged - r.reference}/${judged}`, 11)}${pad(`${judged - r.cliWebhook}/${judged}`, 10)}${pad(r.errors, 9)}`,
    );
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
    lines.push(
      `    cli: ${ex.v.cli.valid ? 'valid' : 'invalid'} ${ex.v.cli.errors
        .slice(0, 3)
        .map((e) => `${e.path}: ${e.message}`)
        .join('; ')
        .slice(0, 300)}`,
    );
    if (ex.v.webhook) lines.push(`    webhook: ${ex.v.webhook.valid ? 'allowed' : 'denied'} ${ex.v.webhook.errors[0]?.message.slice(0, 220) ?? ''}`);
  }
  return lines;
}

/** Documents judged (an API error is no verdict), those on which every check agrees, and those that disagree. */
export function tally(all: readonly Verdicts[], failures: readonly Failure[]): { judged: number; passed: number; failed: number } {
  const failed = new Set(failures.map((f) => f.v.index)).size;
  const judged = all.filter((v) => v.api.status !== 'error').length;
  return { judged, passed: judged - failed, failed };
}

export function formatReport(all: readonly Verdicts[], failures: readonly Failure[], suite: string): string {
  const { judged, passed, failed } = tally(all, failures);
  const errors = all.length - judged;
  return [
    ...table(all, failures),
    '',
    failures.length === 0 ? 'no disagreements' : 'disagreements, grouped:',
    ...groups(failures),
    '',
    errors > 0 ? `${errors} documents got an API error (not a verdict) and were not judged` : '',
    `${suite}: ${passed} passed, ${failed} failed`,
  ]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n');
}

/** Everything about one document, for `--show N`: where it comes from, the object and every verdict. */
export function describeVerdicts(v: Verdicts, failures: readonly Failure[]): string {
  const mine = failures.filter((f) => f.v.index === v.index);
  return [
    `# document #${v.index}: ${v.kind} from ${v.source}${v.edits.length > 0 ? ` [${v.edits.join('; ')}]` : ''} — ${mine.length === 0 ? 'every check agrees' : mine.map((f) => f.what).join('; ')}`,
    stringify(v.object),
    '# verdicts',
    stringify({
      api: v.api.status === 'error' ? v.api : { status: v.api.status, message: v.api.message },
      istiod: v.istiod ?? 'not asked (not an Istio kind)',
      cli: v.cli,
      webhook: v.webhook ?? 'not asked (the API server rejected it)',
    }),
  ].join('\n');
}
