// From documents to an injector: the settings that do not live in Istio's documents (revision
// and its tags, native sidecars, istiod's environment settings) are added here, then the pure core builds it.
import { buildInjectorSettings, createInjector, type Injector } from '../inject/index.js';
import type { InjectionDocuments } from './documents.js';

export interface RuntimeSettings {
  readonly nativeSidecars: boolean;
  readonly revision: string;
  /** Revision tags that point at the revision: their Pods get this same configuration. */
  readonly revisionTags?: readonly string[];
  /** istiod's environment settings that change injection (COMPLIANCE_POLICY, ENABLE_NATIVE_SIDECARS, …). */
  readonly controlPlaneEnv: Readonly<Record<string, string>>;
}

/** Builds an injector; throws InjectorConfigError naming the bad setting or template. */
export function buildInjector(docs: InjectionDocuments, rt: RuntimeSettings): Injector {
  return createInjector(
    buildInjectorSettings({
      templates: docs.templates ?? {},
      ...(docs.values ? { values: docs.values } : {}),
      ...(docs.mesh ? { mesh: docs.mesh } : {}),
      ...(docs.goTemplates ? { goTemplates: docs.goTemplates } : {}),
      ...(docs.userTemplates ? { userTemplates: docs.userTemplates } : {}),
      nativeSidecars: rt.nativeSidecars,
      revision: rt.revision,
      ...(rt.revisionTags ? { revisionTags: rt.revisionTags } : {}),
      controlPlaneEnv: rt.controlPlaneEnv,
    }),
  );
}

/** Parses KEY=VALUE settings (istiod environment variables); returns an error text for a bad one. */
export function parseEnvSettings(pairs: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.slice(0, i))) return `"${p}" is not KEY=VALUE (an istiod environment variable such as COMPLIANCE_POLICY=fips-140-3)`;
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}
