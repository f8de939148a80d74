// Validators for the Istio networking.istio.io kinds, keyed by `group/Kind` (every served
// version — v1alpha3, v1beta1, v1 — shares the same rules).
import type { KindRules } from '../framework.js';
import { validateDestinationRule } from './destination-rule.js';
import { validateEnvoyFilter } from './envoy-filter.js';
import { validateGateway } from './gateway.js';
import { validateServiceEntry } from './service-entry.js';
import { validateSidecar } from './sidecar.js';
import { validateVirtualService } from './virtual-service.js';
import { validateWorkloadEntry } from './workload-entry.js';
import { validateWorkloadGroup } from './workload-group.js';

const GROUP = 'networking.istio.io';

export const networkingRules: Readonly<Record<string, KindRules>> = {
  [`${GROUP}/VirtualService`]: validateVirtualService,
  [`${GROUP}/DestinationRule`]: validateDestinationRule,
  [`${GROUP}/Gateway`]: validateGateway,
  [`${GROUP}/ServiceEntry`]: validateServiceEntry,
  [`${GROUP}/Sidecar`]: validateSidecar,
  [`${GROUP}/EnvoyFilter`]: validateEnvoyFilter,
  [`${GROUP}/WorkloadEntry`]: validateWorkloadEntry,
  [`${GROUP}/WorkloadGroup`]: validateWorkloadGroup,
};
