// Proxy and init images: `<hub>/<name>:<tag>[-<variant>]`, or a full image reference given by
// the `sidecar.istio.io/proxyImage` annotation or the values' image name when it contains "/".
import { objectAt, sprint, type JsonObject } from '../../lib/json.js';

const TYPE_SUFFIXES = ['distroless', 'debug'];

function withImageType(tag: string, imageType: string): string {
  if (imageType === '') return tag;
  const suffix = TYPE_SUFFIXES.find((s) => tag.endsWith(`-${s}`));
  const bare = suffix ? tag.slice(0, -suffix.length - 1) : tag;
  return imageType === 'default' ? bare : `${bare}-${imageType}`;
}

export interface Images {
  readonly proxy: string;
  readonly init: string;
}

/** Resolves both images for one Pod. */
export function resolveImages(values: JsonObject, proxyConfig: JsonObject, annotations: Readonly<Record<string, string>>): Images {
  const global = objectAt(values, 'global');
  const hub = sprint(global['hub']);
  const tag = sprint(global['tag']);
  const variant = sprint(global['variant']);
  const annotationType = annotations['sidecar.istio.io/proxyImageType'];
  const configType = 'image' in proxyConfig ? sprint(objectAt(proxyConfig, 'image')['imageType']) : variant;
  const proxyName = sprint(objectAt(values, 'global', 'proxy')['image']) || 'proxyv2';
  const initName = sprint(objectAt(values, 'global', 'proxy_init')['image']) || 'proxyv2';
  const computed = (name: string, type: string): string => `${hub}/${name}:${withImageType(tag, annotationType ?? type)}`;
  const explicit = (fallback: string): string | undefined => {
    const chosen = annotations['sidecar.istio.io/proxyImage'] ?? fallback;
    return chosen.includes('/') ? chosen : undefined;
  };
  return {
    proxy: explicit(proxyName) ?? computed(proxyName, configType),
    init: explicit(initName) ?? computed(initName, variant),
  };
}
