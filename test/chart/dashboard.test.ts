// The Grafana dashboard (charts/meshgate/dashboards/meshgate.json, copied to docs/) asks only
// for metrics meshgate exports: every metric name in every query is read back from a running
// meshgate's /metrics (the server's registry, with the cluster-mode metrics the cluster agent
// registers on it), not from a list kept by hand.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCerts } from '../../src/certs/files.js';
import { createClusterMetrics } from '../../src/cluster/metrics.js';
import { buildConfig } from '../../src/config.js';
import { runServer, type RunningServer } from '../../src/server/run.js';
import { REPO_ROOT } from '../e2e/cluster/versions.js';
import { one, render } from './helm.js';

const CHART_DASHBOARD = join(REPO_ROOT, 'charts', 'meshgate', 'dashboards', 'meshgate.json');
const DOCS_DASHBOARD = join(REPO_ROOT, 'docs', 'grafana-dashboard.json');

interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly { readonly expr: string }[];
}

const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'rate',
  'irate',
  'increase',
  'delta',
  'histogram_quantile',
  'time',
  'label_values',
  'topk',
  'bottomk',
  'abs',
  'clamp_min',
  'clamp_max',
]);

/**
 * Metric names a PromQL expression reads: identifiers outside label matchers, groupings, ranges
 * and strings. A Grafana `label_values(selector, label)` query reads the selector's metric.
 */
function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/.exec(expr);
  if (labelValues?.[1] !== undefined) return metricNames(labelValues[1]);
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  const ids = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(ids.filter((id) => !PROMQL_WORDS.has(id) && !/^\d/.test(id)))];
}

/** Sample names a /metrics text exports: each family's name, and a histogram's _bucket/_sum/_count. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

const dashboard = JSON.parse(readFileSync(CHART_DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { query?: unknown; definition?: string }[] } };
const queries = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr }))),
  ...dashboard.templating.list.filter((v) => v.definition).map((v) => ({ where: 'variable', expr: v.definition as string })),
];

describe('Grafana dashboard', () => {
  let dir = '';
  let server: RunningServer | undefined;
  let exported = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-dashboard-'));
    await writeCerts(dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const config = buildConfig({ flags: { listen: '127.0.0.1:0', 'tls-cert': join(dir, 'tls.crt'), 'tls-key': join(dir, 'tls.key'), 'log-level': 'silent' }, env: {} });
    server = await runServer({ config, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
    createClusterMetrics(server.metrics.registry);
    const res = await server.app.inject({ method: 'GET', url: '/metrics' });
    exported = exportedNames(res.body);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has queries for requests, injection, validation, certificates, leader and reloads', () => {
    expect(queries.length).toBeGreaterThan(20);
    const all = queries.map((q) => q.expr).join('\n');
    for (const m of [
      'sidecar_injection_time_seconds_bucket',
      'meshgate_validation_time_seconds_bucket',
      'sidecar_injection_skip_total',
      'galley_validation_failed',
      'meshgate_cert_not_after_timestamp_seconds',
      'meshgate_leader',
      'meshgate_config_last_reload_success',
    ]) {
      expect(all).toContain(m);
    }
  });

  it('names only metrics a running meshgate exports', () => {
    expect(exported.size).toBeGreaterThan(20);
    const unknown = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((n) => !exported.has(n))
        .map((n) => `${q.where}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it("is the same file in docs/ and in the chart's ConfigMap", async () => {
    const text = readFileSync(CHART_DASHBOARD, 'utf8');
    expect(readFileSync(DOCS_DASHBOARD, 'utf8')).toBe(text);
    const cm = one(await render([{ grafanaDashboard: { enabled: true } }]), 'ConfigMap');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(cm.data['meshgate.json'])).toEqual(JSON.parse(text));
  });

  it('finds metric names in PromQL the way Prometheus reads it', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{pod=~"x"}[5m])))')).toEqual(['a_bucket']);
    expect(metricNames('min(b{namespace=~"$namespace"}) - time()')).toEqual(['b']);
    expect(metricNames('sum by (reason) (increase(c_total[$__rate_interval])) / d')).toEqual(['c_total', 'd']);
    expect(metricNames('label_values(e{namespace=~"$namespace"}, pod)')).toEqual(['e']);
  });
});
