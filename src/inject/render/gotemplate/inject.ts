// Istio's Go templates as injection templates: each is parsed once when the configuration is
// loaded and, per Pod, executed against Istio's template data (SidecarTemplateData: .Spec,
// .ObjectMeta, .ProxyConfig, .Values, … with Go field names over the Pod's JSON), then read as
// YAML and decoded as a Pod overlay, which the pipeline merges like any other template.
import type { TemplateData } from '../data.js';
import { InjectorConfigError } from '../../errors.js';
import type { CompiledTemplate } from '../template/compile.js';
import { TemplateRenderError } from '../template/compile.js';
import { CallError, GoTemplateError } from './errors.js';
import { parseGoTemplate } from './index.js';
import { parseRendered, podOverlay } from './overlay.js';
import type { FuncMap } from './state.js';
import { rootType } from './types.js';
import { Val } from './value.js';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const frozenValues = new WeakMap<object, object>();

/** The configuration's values, as a frozen copy templates may read but not change. */
function valuesFor(values: object): object {
  let v = frozenValues.get(values);
  if (!v) {
    v = deepFreeze(structuredClone(values));
    frozenValues.set(values, v);
  }
  return v;
}

const roots = new WeakMap<object, Val>();

/** Istio's SidecarTemplateData for one Pod (shared by every template the Pod selects). */
export function sidecarTemplateData(d: TemplateData): Val {
  const known = roots.get(d);
  if (known) return known;
  const root = new Val(rootType(), {
    TypeMeta: { kind: d.typeMeta.kind, apiVersion: d.typeMeta.apiVersion },
    DeploymentMeta: { Name: d.deploymentMeta.name, Namespace: d.deploymentMeta.namespace },
    ObjectMeta: d.pod['metadata'],
    Spec: d.pod['spec'],
    ProxyConfig: d.proxyConfig,
    MeshConfig: d.meshConfig,
    Values: valuesFor(d.values),
    Revision: d.revision,
    NativeSidecars: d.nativeSidecars,
    ProxyImage: d.proxyImage,
    ProxyInitImage: d.proxyInitImage,
    ProxyUID: d.proxyUID,
    ProxyGID: d.proxyGID,
    InboundTrafficPolicyMode: d.inboundTrafficPolicyMode,
    CompliancePolicy: d.compliancePolicy,
  });
  roots.set(d, root);
  return root;
}

/** How many distinct renderings of one template are kept decoded (Pods of one workload render alike). */
const OVERLAY_CACHE_SIZE = 64;

/**
 * Reads rendered text as a Pod overlay, remembering the last few: the Pods of one workload
 * usually render to the same text, and a scale-up then decodes it once. Overlays are frozen,
 * as the merge expects of shared template output.
 */
function overlayReader(): (text: string) => Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  return (text) => {
    const known = cache.get(text);
    if (known) return known;
    const overlay = deepFreeze(podOverlay(parseRendered(text)));
    if (cache.size >= OVERLAY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(text, overlay);
    return overlay;
  };
}

/** Parses a Go template; throws InjectorConfigError naming the template, line and column. */
export function compileGoInjectionTemplate(name: string, text: string, funcs: FuncMap): CompiledTemplate {
  let t: ReturnType<typeof parseGoTemplate>;
  try {
    t = parseGoTemplate(name, text, funcs);
  } catch (e) {
    if (e instanceof GoTemplateError) throw new InjectorConfigError(`template "${name}"`, `line ${e.line}, column ${e.column}: ${e.reason}`);
    throw e;
  }
  const read = overlayReader();
  return {
    name,
    render: (data) => {
      try {
        return read(t.execute(sidecarTemplateData(data as unknown as TemplateData)));
      } catch (e) {
        if (e instanceof GoTemplateError) throw new TemplateRenderError(e.message);
        if (e instanceof CallError) throw new TemplateRenderError(`template "${name}": ${e.message}`);
        throw e;
      }
    },
  };
}
