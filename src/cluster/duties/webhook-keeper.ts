// The leader's hold on meshgate's webhook configurations (the injector's, its revision tags',
// and the validator's): it watches them by name, puts the CA bundle into every webhook, as istiod
// does for its revision and tag configurations, and switches the validating ones to failurePolicy Fail once
// proven. What to write is webhooks.ts's pure decision; this is the I/O around it.
import type { V1MutatingWebhookConfiguration, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { sources, watchNamed, type Kube, type NamedSource, type NamedWatch, type Store } from '../api/kube.js';
import type { ClusterMetrics } from '../metrics.js';
import { withBundle, withFailClosed, type WebhookConfigLike } from '../decide/webhooks.js';

export type WebhookKind = 'mutating' | 'validating';

export interface WebhookKeeperOptions {
  readonly kube: Kube;
  readonly mutating: { readonly name: string; readonly store: Store<V1MutatingWebhookConfiguration> };
  /** Mutating configurations of revision tags pointing at this revision (absent ones are fine). */
  readonly tags?: readonly string[];
  /** Absent when meshgate does not manage a validating configuration. */
  readonly validating?: { readonly name: string; readonly store: Store<V1ValidatingWebhookConfiguration> };
  readonly metrics: ClusterMetrics;
  readonly log: Logger;
  readonly isLeader: () => boolean;
  /** A configuration changed; `reinstalled` when the installer's part (not ours) changed. */
  readonly onChange: (kind: WebhookKind, reinstalled: boolean) => void;
}

export interface WebhookKeeper {
  start(): void;
  stop(): void;
  /** Puts the bundle everywhere; true when every existing configuration carries it. */
  publish(caBundle: string): Promise<boolean>;
  /** Every existing configuration has a caBundle in every webhook (written by someone else). */
  carryBundles(): boolean;
  /** The validating configuration as last seen: undefined until listed, null when absent. */
  validating(): { readonly name: string; readonly config: WebhookConfigLike | null | undefined } | undefined;
  /** Sets failurePolicy Fail in the validating configuration; true when written. */
  failClosed(): Promise<boolean>;
}

interface Managed {
  readonly kind: WebhookKind;
  readonly name: string;
  readonly store: Store<WebhookConfigLike>;
  current: WebhookConfigLike | null | undefined;
}

/** The installer's part of a configuration: everything but what the leader writes. */
export function installedShape(cfg: WebhookConfigLike | null | undefined): string {
  if (!cfg) return '';
  return JSON.stringify((cfg.webhooks ?? []).map((w) => ({ ...w, clientConfig: { ...w.clientConfig, caBundle: undefined }, failurePolicy: undefined })));
}

export function createWebhookKeeper(opts: WebhookKeeperOptions): WebhookKeeper {
  const log = opts.log.child({ component: 'webhooks' });
  const managed: Managed[] = [
    { kind: 'mutating', ...opts.mutating, store: opts.mutating.store as Store<WebhookConfigLike>, current: undefined },
    ...(opts.tags ?? []).map((name) => ({ kind: 'mutating' as const, name, store: opts.mutating.store as Store<WebhookConfigLike>, current: undefined })),
    ...(opts.validating ? [{ kind: 'validating' as const, ...opts.validating, store: opts.validating.store as Store<WebhookConfigLike>, current: undefined }] : []),
  ];
  let watches: NamedWatch[] = [];
  const sourceOf = (m: Managed): NamedSource<WebhookConfigLike> => (m.kind === 'mutating' ? sources.mutating(opts.kube) : sources.validating(opts.kube));

  /** After a conflict: read it again (by a list with the name: RBAC grants list, not get). */
  const refresh = async (m: Managed): Promise<void> => {
    m.current = (await sourceOf(m).list(`metadata.name=${m.name}`)).items[0] ?? null;
  };

  /** Writes with the resourceVersion read; the watch delivers the result. */
  const write = async (m: Managed, updated: WebhookConfigLike): Promise<boolean> => {
    if (!opts.isLeader()) return false;
    if ((await m.store.replace(updated)) === 'ok') return true;
    log.debug({ configuration: m.name }, 'the webhook configuration changed meanwhile; reading it again');
    await refresh(m);
    opts.onChange(m.kind, false);
    return false;
  };

  const publishTo = async (m: Managed, caBundle: string): Promise<boolean> => {
    if (m.current === undefined) return false;
    if (m.current === null) return true;
    const updated = withBundle(m.current, caBundle);
    if (updated && !(await write(m, updated))) return false;
    if (updated) log.info({ configuration: m.name, kind: m.kind }, 'set the CA bundle of the webhook configuration');
    opts.metrics.bundleReconciled(m.name, new Date());
    return true;
  };

  const watch = (m: Managed): NamedWatch =>
    watchNamed<WebhookConfigLike>({
      kube: opts.kube,
      source: sourceOf(m),
      name: m.name,
      log,
      onChange: (obj) => {
        const reinstalled = installedShape(obj) !== installedShape(m.current);
        m.current = obj ?? null;
        opts.onChange(m.kind, reinstalled);
      },
    });

  const validatingOne = (): Managed | undefined => managed.find((m) => m.kind === 'validating');

  return {
    start: () => {
      watches = managed.map(watch);
      for (const w of watches) void w.start();
    },
    stop: () => {
      for (const w of watches) w.stop();
      watches = [];
      for (const m of managed) m.current = undefined;
    },
    publish: async (caBundle) => {
      let all = true;
      for (const m of managed) all = (await publishTo(m, caBundle)) && all;
      return all;
    },
    carryBundles: () => managed.every((m) => m.current !== undefined && (m.current === null || (m.current.webhooks ?? []).every((w) => (w.clientConfig?.caBundle ?? '') !== ''))),
    validating: () => {
      const m = validatingOne();
      return m ? { name: m.name, config: m.current } : undefined;
    },
    failClosed: async () => {
      const m = validatingOne();
      const updated = m?.current ? withFailClosed(m.current) : undefined;
      return m !== undefined && updated !== undefined && (await write(m, updated));
    },
  };
}
