// Every replica: follow the injector and mesh ConfigMaps and swap in a new injector when they
// change. A change that cannot be read or built keeps the previous injector, is logged with the
// reason and counted (meshgate_config_reloads_total{component="injector",result="failure"},
// meshgate_config_last_reload_success{component="injector"} 0): never half-applied.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { readInjectionConfig, type ConfigMapLike, type InjectionFallback, type InjectionSources } from './injection-config.js';
import { sources, watchNamed, type Kube, type NamedWatch } from './kube.js';

export const INJECTOR_COMPONENT = 'injector';

export interface ConfigSyncOptions {
  readonly kube: Kube;
  readonly namespace: string;
  readonly injectorConfigMap: string;
  readonly meshConfigMap: string;
  readonly fallback: InjectionFallback;
  /** Builds an injector from the sources and installs it; throws when they are not usable. */
  readonly apply: (sources: InjectionSources) => void;
  readonly onResult: (ok: boolean) => void;
  readonly log: Logger;
}

export interface ConfigSync {
  /** Starts both watches; resolves once the first configuration has been tried. */
  start(): Promise<void>;
  stop(): void;
}

type Slot = { loaded: boolean; cm: ConfigMapLike | undefined };

const version = (cm: ConfigMapLike | undefined): string => (cm as V1ConfigMap | undefined)?.metadata?.resourceVersion ?? 'absent';

export function createConfigSync(opts: ConfigSyncOptions): ConfigSync {
  const log = opts.log.child({ component: 'injection-config' });
  const injector: Slot = { loaded: false, cm: undefined };
  const mesh: Slot = { loaded: false, cm: undefined };
  let applied: string | undefined;
  let failing = false;
  let watches: NamedWatch[] = [];

  const evaluate = (): void => {
    if (!injector.loaded || !mesh.loaded) return;
    const where = { [opts.injectorConfigMap]: version(injector.cm), [opts.meshConfigMap]: version(mesh.cm) };
    const reading = readInjectionConfig(injector.cm, mesh.cm, opts.fallback);
    if (!reading.ok) return reject(reading.error, where);
    const key = JSON.stringify(reading.sources);
    if (key === applied) {
      if (failing) accept(where, ['the ConfigMaps are back to the configuration in use']);
      return;
    }
    try {
      opts.apply(reading.sources);
    } catch (e) {
      return reject((e as Error).message, where);
    }
    applied = key;
    accept(where, reading.notes);
  };

  const accept = (where: Record<string, string>, notes: readonly string[]): void => {
    failing = false;
    opts.onResult(true);
    log.info({ configMaps: where, notes: notes.length > 0 ? notes : undefined }, 'injection configuration applied');
  };

  const reject = (reason: string, where: Record<string, string>): void => {
    failing = true;
    opts.onResult(false);
    log.error({ configMaps: where, reason }, `injection configuration rejected, keeping the ${applied === undefined ? 'start-up' : 'last good'} one: ${reason}`);
  };

  const follow = (name: string, slot: Slot): NamedWatch =>
    watchNamed<V1ConfigMap>({
      kube: opts.kube,
      source: sources.configMap(opts.kube, opts.namespace),
      name,
      log,
      onChange: (cm) => {
        slot.cm = cm;
        slot.loaded = true;
        evaluate();
      },
    });

  return {
    start: async () => {
      watches = [follow(opts.injectorConfigMap, injector), follow(opts.meshConfigMap, mesh)];
      await Promise.all(watches.map((w) => w.start()));
    },
    stop: () => {
      for (const w of watches) w.stop();
      watches = [];
    },
  };
}
