// What meshgate keeps in its webhook configurations, as pure functions of the object read from
// the API: every webhook's clientConfig.caBundle is the Secret's bundle, and the validating
// webhooks' failurePolicy becomes Fail only once the dry-run probe has proven that meshgate
// answers them. Everything else (rules, selectors, client URL or Service) is the installer's.

export interface WebhookLike {
  readonly name?: string;
  readonly clientConfig?: { readonly caBundle?: string };
  readonly failurePolicy?: string;
}

export interface WebhookConfigLike {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly webhooks?: readonly WebhookLike[];
}

const webhooksOf = (cfg: WebhookConfigLike): readonly WebhookLike[] => cfg.webhooks ?? [];

/** Every webhook carries `caBundle` (base64 PEM). A configuration without webhooks trivially does. */
export function carriesBundle(cfg: WebhookConfigLike, caBundle: string): boolean {
  return webhooksOf(cfg).every((w) => w.clientConfig?.caBundle === caBundle);
}

/** The configuration with `caBundle` in every webhook, or undefined when it already has it. */
export function withBundle<T extends WebhookConfigLike>(cfg: T, caBundle: string): T | undefined {
  if (carriesBundle(cfg, caBundle)) return undefined;
  const webhooks = webhooksOf(cfg).map((w) => ({ ...w, clientConfig: { ...(w.clientConfig ?? {}), caBundle } }));
  return { ...cfg, webhooks };
}

/** Some webhook still fails open (Ignore, or unset, which the API defaults to Fail on write). */
export function failsOpen(cfg: WebhookConfigLike): boolean {
  return webhooksOf(cfg).some((w) => w.failurePolicy !== 'Fail');
}

/** The configuration with failurePolicy Fail everywhere, or undefined when it already has it. */
export function withFailClosed<T extends WebhookConfigLike>(cfg: T): T | undefined {
  if (!failsOpen(cfg)) return undefined;
  return { ...cfg, webhooks: webhooksOf(cfg).map((w) => ({ ...w, failurePolicy: 'Fail' })) };
}

export function webhookNames(cfg: WebhookConfigLike): string[] {
  return webhooksOf(cfg)
    .map((w) => w.name ?? '')
    .filter((n) => n !== '');
}

/** meshgate's validators reject any Istio object that carries this annotation. */
export const ALWAYS_REJECT_ANNOTATION = 'internal.istio.io/webhook-always-reject';

/** A known-invalid Istio Gateway, created only as a server-side dry run. */
export function probeObject(namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace, annotations: { [ALWAYS_REJECT_ANNOTATION]: 'true' } },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  };
}

export type ProbeResult = { readonly kind: 'admitted' } | { readonly kind: 'refused'; readonly status: number; readonly message: string };

export interface ProbeVerdict {
  readonly proven: boolean;
  readonly reason: string;
}

/**
 * The probe proves the webhook only when the API server refused the dry run with a denial from
 * one of meshgate's own validating webhooks (not a timeout, not another webhook, not RBAC).
 */
export function probeVerdict(result: ProbeResult, names: readonly string[]): ProbeVerdict {
  if (result.kind === 'admitted') return { proven: false, reason: 'the known-invalid Gateway was admitted: the API server did not get a denial from meshgate' };
  const ours = names.find((n) => result.message.includes(`admission webhook "${n}" denied the request`));
  if (ours) return { proven: true, reason: `denied by ${ours}` };
  return { proven: false, reason: `the dry run failed without a denial from meshgate (HTTP ${result.status}): ${result.message}` };
}
