// The Gateway API (gateway.networking.k8s.io) kinds' hand-written rules. Everything the API
// server checks comes from the CRDs (../crd); what remains here is meshgate's own documented
// rule `re2-regex` (regex.ts) and warnings that never fail validation (advice.ts).
import type { KindRules, SemanticContext } from '../framework.js';
import { warnIPHostnames, warnSameNamespaceGrant, warnZeroWeights } from './advice.js';
import { checkRouteRegexes } from './regex.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

const route =
  (grpc: boolean): KindRules =>
  (ctx: SemanticContext) => {
    checkRouteRegexes(ctx, grpc);
    warnZeroWeights(ctx);
    warnIPHostnames(ctx);
  };

const forwarding: KindRules = (ctx) => warnZeroWeights(ctx);

export const gatewayApiRules: Readonly<Record<string, KindRules>> = {
  [`${GATEWAY_GROUP}/HTTPRoute`]: route(false),
  [`${GATEWAY_GROUP}/GRPCRoute`]: route(true),
  [`${GATEWAY_GROUP}/TCPRoute`]: forwarding,
  [`${GATEWAY_GROUP}/TLSRoute`]: forwarding,
  [`${GATEWAY_GROUP}/UDPRoute`]: forwarding,
  [`${GATEWAY_GROUP}/ReferenceGrant`]: warnSameNamespaceGrant,
};
