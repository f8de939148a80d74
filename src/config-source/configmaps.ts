// The ConfigMap implementation of ConfigSource (cluster mode): Istio's ConfigMaps where Istio
// keeps them, `istio-sidecar-injector[-<rev>]` (keys `config` and `values`, plus meshgate's own
// `meshgate-templates`) and `istio[-<rev>]` (key `mesh`) in the Istio namespace, followed by
// watches. A key that is absent falls back to the file settings, then to the defaults.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { InjectorConfigError } from '../inject/errors.js';
import { sources, watchNamed, type Kube, type NamedWatch } from '../cluster/api/kube.js';
import { parseDocument, readInjectorConfig, overlayValues, type InjectionDocuments, type Mapping } from './documents.js';
import type { ConfigSource } from './source.js';
import { isMapping } from '../lib/json.js';

export const CONFIGMAP_KEYS = { values: 'values', config: 'config', templates: 'meshgate-templates', mesh: 'mesh' } as const;

/** Istio's ConfigMap names for a revision ("" and "default" read the unsuffixed names, as istiod does). */
export function istioConfigMapNames(revision: string): { injector: string; mesh: string } {
  const suffix = revision === '' || revision === 'default' ? '' : `-${revision}`;
  return { injector: `istio-sidecar-injector${suffix}`, mesh: `istio${suffix}` };
}

export interface ConfigMapSourceOptions {
  readonly kube: Kube;
  readonly namespace: string;
  readonly injectorConfigMap: string;
  readonly meshConfigMap: string;
  /** The file settings: built-in templates always, and what a ConfigMap key does not say. */
  readonly fallback: InjectionDocuments;
  readonly log: Logger;
}

type ConfigMapLike = Pick<V1ConfigMap, 'metadata' | 'data'>;

function keyDocument(cm: ConfigMapLike | undefined, key: string): Mapping | undefined {
  const text = cm?.data?.[key];
  if (cm === undefined || text === undefined || text.trim() === '') return undefined;
  const where = `ConfigMap ${cm.metadata?.namespace ?? ''}/${cm.metadata?.name ?? '?'} key "${key}"`;
  const doc = parseDocument(text, where);
  if (doc === undefined || doc === null) return undefined;
  if (!isMapping(doc)) throw new InjectorConfigError(where, 'must be a mapping');
  return doc;
}

/** The documents a pair of ConfigMaps (undefined = absent) yields over the file settings. */
export function documentsFromConfigMaps(injector: ConfigMapLike | undefined, mesh: ConfigMapLike | undefined, fallback: InjectionDocuments): InjectionDocuments {
  const notes: string[] = [];
  let values = keyDocument(injector, CONFIGMAP_KEYS.values) ?? fallback.values;
  const config = keyDocument(injector, CONFIGMAP_KEYS.config);
  let goTemplates = fallback.goTemplates;
  if (config) {
    const r = readInjectorConfig(config, `ConfigMap ${injector?.metadata?.name ?? ''} key "config"`);
    values = overlayValues(values, r.valuesOverlay);
    if (r.goTemplates) goTemplates = r.goTemplates;
    notes.push(...r.notes);
  }
  const extra = keyDocument(injector, CONFIGMAP_KEYS.templates);
  if (extra && Object.values(extra).some((t) => typeof t !== 'string'))
    throw new InjectorConfigError(`ConfigMap ${injector?.metadata?.name ?? ''} key "${CONFIGMAP_KEYS.templates}"`, 'must map template names to template text');
  const userTemplates = extra || fallback.userTemplates ? { ...(fallback.userTemplates ?? {}), ...((extra as Record<string, string> | undefined) ?? {}) } : undefined;
  const meshDoc = keyDocument(mesh, CONFIGMAP_KEYS.mesh) ?? fallback.mesh;
  return {
    ...(fallback.templates ? { templates: fallback.templates } : {}),
    ...(values ? { values } : {}),
    ...(meshDoc ? { mesh: meshDoc } : {}),
    ...(goTemplates ? { goTemplates } : {}),
    ...(userTemplates ? { userTemplates } : {}),
    notes,
  };
}

interface Slot {
  loaded: boolean;
  cm: ConfigMapLike | undefined;
}

/** Follows both ConfigMaps; read() waits for the first state of each. */
export function configMapSource(opts: ConfigMapSourceOptions): ConfigSource & { stop(): void } {
  const injector: Slot = { loaded: false, cm: undefined };
  const mesh: Slot = { loaded: false, cm: undefined };
  const listeners: (() => void)[] = [];
  let watches: NamedWatch[] | undefined;
  let firstState: Promise<void> | undefined;
  const log = opts.log.child({ component: 'injection-config' });
  const follow = (name: string, slot: Slot, loaded: () => void): NamedWatch =>
    watchNamed<V1ConfigMap>({
      kube: opts.kube,
      source: sources.configMap(opts.kube, opts.namespace),
      name,
      log,
      onChange: (cm) => {
        slot.cm = cm;
        slot.loaded = true;
        loaded();
        for (const l of listeners) l();
      },
    });
  const ensureStarted = (): Promise<void> => {
    firstState ??= new Promise<void>((resolve) => {
      const check = (): void => {
        if (injector.loaded && mesh.loaded) resolve();
      };
      watches = [follow(opts.injectorConfigMap, injector, check), follow(opts.meshConfigMap, mesh, check)];
      void Promise.all(watches.map((w) => w.start()));
    });
    return firstState;
  };
  return {
    description: `ConfigMaps ${opts.namespace}/${opts.injectorConfigMap} and ${opts.namespace}/${opts.meshConfigMap}`,
    read: async () => {
      await ensureStarted();
      return documentsFromConfigMaps(injector.cm, mesh.cm, opts.fallback);
    },
    watch: (onChange) => {
      listeners.push(onChange);
      return { close: () => listeners.splice(listeners.indexOf(onChange), 1) };
    },
    stop: () => {
      for (const w of watches ?? []) w.stop();
      watches = [];
    },
  };
}
