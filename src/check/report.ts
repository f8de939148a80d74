// `meshgate check`'s report: every finding (health, certificates, failure policies, leader,
// overlapping injectors, per-namespace and per-Pod injection) from one snapshot, as text for
// people or JSON/YAML for scripts. Errors make the exit code 1.
import { injectionFindings, namespaceReports, podReports, type NamespaceReport, type PodReport } from './injection.js';
import type { Finding, Snapshot } from './model.js';
import { overlapFindings } from './overlap.js';
import { endpoints, failurePolicies, leadership, presence } from './webhooks.js';

export interface CheckReport {
  readonly summary: { readonly errors: number; readonly warnings: number; readonly passed: boolean };
  readonly findings: readonly Finding[];
  readonly namespaces: readonly NamespaceReport[];
  readonly pods: readonly PodReport[];
  /** What could not be read. */
  readonly problems: readonly string[];
}

export interface AnalyzeOptions {
  /** Namespaces to report on (default: every namespace an injector selects). */
  readonly namespaces?: readonly string[];
  /** One Pod to report on, `namespace/name`. */
  readonly pod?: { readonly namespace: string; readonly name: string };
}

export function analyze(s: Snapshot, opts: AnalyzeOptions = {}): CheckReport {
  const namespaces = opts.pod ? [] : namespaceReports(s, opts.namespaces);
  const podFilter = opts.pod
    ? (p: { namespace: string; name: string }): boolean => p.namespace === opts.pod?.namespace && p.name === opts.pod.name
    : opts.namespaces && opts.namespaces.length > 0
      ? (p: { namespace: string }): boolean => (opts.namespaces ?? []).includes(p.namespace)
      : (): boolean => true;
  const pods = podReports(s, podFilter);
  const findings: Finding[] = [
    ...presence(s),
    ...endpoints(s),
    ...failurePolicies(s),
    ...leadership(s),
    ...overlapFindings(s),
    ...injectionFindings(namespaces, pods, opts.pod !== undefined),
  ];
  if (opts.pod && pods.length === 0)
    findings.push({ check: 'pods', status: 'error', subject: `Pod ${opts.pod.namespace}/${opts.pod.name}`, message: 'not found (or not running)' });
  findings.push(...s.problems.map((p) => ({ check: 'access', status: 'warning' as const, subject: 'kubeconfig', message: p })));
  const errors = findings.filter((f) => f.status === 'error').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  return { summary: { errors, warnings, passed: errors === 0 }, findings, namespaces, pods, problems: s.problems };
}

const LABEL: Readonly<Record<Finding['status'], string>> = { ok: 'OK', info: 'INFO', warning: 'WARN', error: 'ERROR' };

export function renderText(r: CheckReport, all: boolean): string {
  const shown = all ? r.findings : r.findings.filter((f) => f.status !== 'ok' || f.check === 'webhooks' || f.check === 'injection' || f.subject === 'running Pods');
  const lines = shown.map((f) => `${LABEL[f.status].padEnd(6)} ${f.check.padEnd(15)} ${f.subject}: ${f.message}`);
  const hidden = r.findings.length - shown.length;
  const verdict = r.summary.passed ? 'meshgate check passed' : 'meshgate check found problems';
  const tail = `${verdict}: ${r.summary.errors} error(s), ${r.summary.warnings} warning(s)${hidden > 0 ? `; ${hidden} passing check(s) not shown (--all shows them)` : ''}`;
  return `${[...lines, '', tail].join('\n')}\n`;
}
