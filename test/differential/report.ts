// The injection differential suites' report: agreement counts, then the differences grouped by
// field path (list items by name), largest group first, each with one reproducible example; the
// last line is `<suite>: N passed, N failed`.
import type { DiffCase } from './generate.js';
import type { Verdict } from './compare.js';

/** One input's verdict; the built-in-templates suite's DiffCase, or another suite's case. */
export interface CaseResult<C extends { readonly index: number } = DiffCase> {
  readonly c: C;
  readonly verdict: Verdict;
}

export interface Summary {
  readonly seed: number;
  readonly total: number;
  readonly identical: number;
  readonly bothDenied: number;
  readonly failed: number;
  readonly groups: readonly Group[];
}

export interface Group {
  readonly group: string;
  readonly cases: number[];
  readonly example: { readonly index: number; readonly path: string; readonly meshgate: unknown; readonly istio: unknown };
}

export function summarise(seed: number, results: readonly CaseResult<{ readonly index: number }>[]): Summary {
  const groups = new Map<string, Group>();
  for (const { c, verdict } of results) {
    for (const d of verdict.differences) {
      const g = groups.get(d.group);
      if (g) {
        if (g.cases[g.cases.length - 1] !== c.index) g.cases.push(c.index);
      } else {
        groups.set(d.group, { group: d.group, cases: [c.index], example: { index: c.index, path: d.path, meshgate: d.meshgate, istio: d.istio } });
      }
    }
  }
  const agreeing = results.filter((r) => r.verdict.agree);
  return {
    seed,
    total: results.length,
    identical: agreeing.filter((r) => !r.verdict.bothDenied).length,
    bothDenied: agreeing.filter((r) => r.verdict.bothDenied).length,
    failed: results.length - agreeing.length,
    groups: [...groups.values()].sort((a, b) => b.cases.length - a.cases.length || a.group.localeCompare(b.group)),
  };
}

function short(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 220 ? `${s.slice(0, 217)}...` : s;
}

/** The report text of suite `suite` (run.mjs's --suite name); its last line is `<suite>: N passed, N failed`. */
export function formatReport(s: Summary, suite: string, maxGroups = 40): string {
  const lines: string[] = [];
  const pct = s.total === 0 ? 0 : (100 * (s.identical + s.bothDenied)) / s.total;
  lines.push(`seed ${s.seed}: ${s.total} inputs, ${s.identical} identical, ${s.bothDenied} both denied, ${s.failed} different (${pct.toFixed(2)} % agree)`);
  if (s.groups.length > 0) lines.push('', 'differences by field path (meshgate → Istio), largest group first:');
  for (const g of s.groups.slice(0, maxGroups)) {
    const more = g.cases.length > 8 ? ` +${g.cases.length - 8} more` : '';
    lines.push(`  ${g.group}: ${g.cases.length} input${g.cases.length > 1 ? 's' : ''} (#${g.cases.slice(0, 8).join(', #')}${more})`);
    lines.push(`      e.g. #${g.example.index} ${g.example.path}: ${short(g.example.meshgate)} → ${short(g.example.istio)}`);
  }
  if (s.groups.length > maxGroups) lines.push(`  … ${s.groups.length - maxGroups} more groups`);
  if (s.failed > 0) lines.push('', `reproduce one input: npm run test:differential -- --suite ${suite} --seed ${s.seed} --count ${s.total} --show N`);
  lines.push(`${suite}: ${s.identical + s.bothDenied} passed, ${s.failed} failed`);
  return lines.join('\n');
}
