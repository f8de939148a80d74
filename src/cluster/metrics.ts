// Cluster-mode metrics, on the registry passed in (the server's). Configuration reloads reuse
// the server's meshgate_config_reloads_total / meshgate_config_last_reload_success.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ClusterMetrics {
  leader(isLeader: boolean): void;
  /** An Event: created, updated, aggregated into one, dropped by the limits, or failed. */
  event(reason: string, result: string): void;
  /** A webhook configuration was found (or made) carrying the current CA bundle. */
  bundleReconciled(configuration: string, at: Date): void;
  rotationStep(step: string): void;
  probe(proven: boolean): void;
  validatingFailClosed(configuration: string, failClosed: boolean): void;
}

export function createClusterMetrics(registry: Registry): ClusterMetrics {
  const leader = new Gauge({ name: 'meshgate_leader', help: '1 while this replica holds the leader Lease and writes Secrets and webhook configurations.', registers: [registry] });
  const events = new Counter({
    name: 'meshgate_events_total',
    help: 'Kubernetes Events meshgate recorded, by reason and result (created, updated, aggregated into an existing Event, dropped by the rate limits, failed).',
    labelNames: ['reason', 'result'],
    registers: [registry],
  });
  const reconciled = new Gauge({
    name: 'meshgate_webhook_cabundle_last_reconcile_timestamp_seconds',
    help: 'Last time (Unix seconds) the leader saw or made the webhook configuration carry the current CA bundle.',
    labelNames: ['configuration'],
    registers: [registry],
  });
  const steps = new Counter({
    name: 'meshgate_cert_rotation_steps_total',
    help: 'Changes to the certificate Secret made by this replica, by step.',
    labelNames: ['step'],
    registers: [registry],
  });
  const probes = new Counter({
    name: 'meshgate_validation_probe_total',
    help: 'Dry-run probes of the validating webhook, by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  const failClosed = new Gauge({
    name: 'meshgate_validating_webhook_fail_closed',
    help: '1 when the validating webhook configuration has failurePolicy Fail (after a successful probe), 0 while it fails open.',
    labelNames: ['configuration'],
    registers: [registry],
  });
  leader.set(0);
  return {
    leader: (isLeader) => leader.set(isLeader ? 1 : 0),
    event: (reason, result) => events.labels({ reason, result }).inc(),
    bundleReconciled: (configuration, at) => reconciled.labels({ configuration }).set(at.getTime() / 1000),
    rotationStep: (step) => steps.labels({ step }).inc(),
    probe: (proven) => probes.labels({ result: proven ? 'proven' : 'not_proven' }).inc(),
    validatingFailClosed: (configuration, closed) => failClosed.labels({ configuration }).set(closed ? 1 : 0),
  };
}
