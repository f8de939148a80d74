// The dry-run probe of the validating webhook: a server-side dry-run create of a known-invalid
// Istio Gateway, which only a working meshgate denies. Retries back off from retryMs to a
// minute; a re-installed configuration (which may have fixed the cause) resets the backoff.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { messageOf, statusOf, type Kube } from '../api/kube.js';
import type { ClusterMetrics } from '../metrics.js';
import { probeObject, probeVerdict, type ProbeResult, type ProbeVerdict } from '../decide/webhooks.js';

export interface ProberOptions {
  readonly kube: Kube;
  readonly namespace: string;
  readonly retryMs: number;
  readonly metrics: ClusterMetrics;
  readonly log: Logger;
}

export interface Prober {
  /** When the next probe may run (now or earlier: at once). */
  nextAt(): Date;
  /** Probes; the verdict says whether one of `webhookNames` denied it. */
  probe(configuration: string, webhookNames: readonly string[]): Promise<ProbeVerdict>;
  /** Probe again at once, with the shortest backoff. */
  reset(): void;
}

const MAX_BACKOFF_MS = 60_000;

export function createProber(opts: ProberOptions): Prober {
  let nextAt = 0;
  let backoff = opts.retryMs;
  let lastReason = '';

  const dryRun = async (): Promise<ProbeResult> => {
    const body = probeObject(opts.namespace, `meshgate-probe-${randomBytes(4).toString('hex')}`);
    try {
      await opts.kube.custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: opts.namespace, plural: 'gateways', body, dryRun: 'All' });
      return { kind: 'admitted' };
    } catch (e) {
      return { kind: 'refused', status: statusOf(e) ?? 0, message: messageOf(e) };
    }
  };

  const reset = (): void => {
    nextAt = 0;
    backoff = opts.retryMs;
  };

  return {
    nextAt: () => new Date(nextAt),
    reset,
    probe: async (configuration, webhookNames) => {
      const verdict = probeVerdict(await dryRun(), webhookNames);
      opts.metrics.probe(verdict.proven);
      if (verdict.proven) {
        reset();
        lastReason = '';
        return verdict;
      }
      nextAt = Date.now() + backoff;
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      if (verdict.reason !== lastReason) opts.log.warn({ component: 'probe', configuration, reason: verdict.reason }, 'validating webhook not proven yet; it keeps failing open');
      lastReason = verdict.reason;
      return verdict;
    },
  };
}
