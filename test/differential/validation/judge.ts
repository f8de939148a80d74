// The verdicts side by side, per document, and what counts as agreement:
// - Gateway API kinds: meshgate's CLI verdict equals the API server's, except a rejection made
//   only by a documented meshgate rule (an error tagged "[meshgate rule …]").
// - Istio kinds: nothing the API server or istiod rejects is passed; nothing both accept is
//   rejected, except by a documented meshgate rule.
// - CLI and webhook: the webhook (which sees only what the API server accepted) allows exactly
//   what the CLI passes; what the API server rejects, the CLI must reject too.
import type { ApiVerdict } from './apiserver.js';
import type { IstiodVerdict } from './istiod.js';
import type { MeshgateVerdict } from './meshgate.js';

export interface Verdicts {
  readonly index: number;
  readonly source: string;
  readonly edits: readonly string[];
  readonly kind: string;
  readonly family: 'istio' | 'gateway-api';
  /** The document as sent to the API server and to meshgate's CLI. */
  readonly object: Record<string, unknown>;
  readonly api: ApiVerdict;
  readonly istiod?: IstiodVerdict;
  readonly cli: MeshgateVerdict;
  readonly webhook?: MeshgateVerdict;
}

export type Check = 'reference' | 'cli-webhook';

export interface Failure {
  readonly check: Check;
  readonly what: string;
  readonly group: string;
  readonly v: Verdicts;
}

const DOCUMENTED = /\[meshgate rule [a-z0-9-]+\]/;

export function onlyDocumentedRules(cli: MeshgateVerdict): boolean {
  return cli.errors.length > 0 && cli.errors.every((e) => DOCUMENTED.test(e.message));
}

/** `spec.rules[3].matches[0]` → `spec.rules[].matches[]`, so that failures group by field. */
function shape(path: string): string {
  return path.replace(/\[\d+\]/g, '[]').replace(/\.\d+(?=\.|$)/g, '[]');
}

function firstPath(v: Verdicts): string {
  const p = v.cli.errors[0]?.path;
  if (p) return shape(p);
  const m = /(spec[.\w[\]-]*|metadata[.\w[\]-]*)/.exec(v.api.message || v.istiod?.message || '');
  return m?.[1] ? shape(m[1]) : '(whole object)';
}

function referenceCheck(v: Verdicts): string | undefined {
  const apiOk = v.api.status === 'accepted';
  if (v.family === 'gateway-api') {
    if (apiOk && !v.cli.valid && !onlyDocumentedRules(v.cli)) return 'meshgate rejects what the API server accepts';
    if (!apiOk && v.cli.valid) return 'meshgate passes what the API server rejects';
    return undefined;
  }
  const istiodOk = v.istiod?.allowed ?? true;
  if ((!apiOk || !istiodOk) && v.cli.valid) return `meshgate passes what ${apiOk ? 'istiod' : 'the API server'} rejects`;
  if (apiOk && istiodOk && !v.cli.valid && !onlyDocumentedRules(v.cli)) return 'meshgate rejects what the API server and istiod accept';
  return undefined;
}

function webhookCheck(v: Verdicts): string | undefined {
  if (v.api.status !== 'accepted') return v.cli.valid ? 'the CLI passes what never reaches the webhook (the API server rejects it)' : undefined;
  if (!v.webhook) return 'no webhook verdict';
  if (v.webhook.valid !== v.cli.valid) return v.webhook.valid ? 'the webhook allows what the CLI rejects' : 'the webhook denies what the CLI passes';
  return undefined;
}

export function judge(all: readonly Verdicts[]): Failure[] {
  const out: Failure[] = [];
  for (const v of all) {
    if (v.api.status === 'error') continue;
    const ref = referenceCheck(v);
    if (ref) out.push({ check: 'reference', what: ref, group: `${v.kind}: ${ref}: ${firstPath(v)}`, v });
    const hook = webhookCheck(v);
    if (hook) out.push({ check: 'cli-webhook', what: hook, group: `${v.kind}: ${hook}: ${firstPath(v)}`, v });
  }
  return out;
}
