// Validators for the Gateway API (gateway.networking.k8s.io) kinds, keyed by `group/Kind`.
import type { Validator } from '../issues.js';
import { validateBackendTLSPolicy } from './backendtlspolicy.js';
import { GATEWAY_GROUP } from './common.js';
import { validateGateway } from './gateway.js';
import { validateGatewayClass } from './gatewayclass.js';
import { validateGRPCRoute } from './grpcroute.js';
import { validateHTTPRoute } from './httproute.js';
import { validateListenerSet } from './listenerset.js';
import { validateReferenceGrant } from './referencegrant.js';
import { validateTCPRoute } from './tcproute.js';
import { validateTLSRoute } from './tlsroute.js';
import { validateUDPRoute } from './udproute.js';

export const gatewayApiValidators: Readonly<Record<string, Validator>> = {
  [`${GATEWAY_GROUP}/Gateway`]: validateGateway,
  [`${GATEWAY_GROUP}/GatewayClass`]: validateGatewayClass,
  [`${GATEWAY_GROUP}/HTTPRoute`]: validateHTTPRoute,
  [`${GATEWAY_GROUP}/GRPCRoute`]: validateGRPCRoute,
  [`${GATEWAY_GROUP}/TCPRoute`]: validateTCPRoute,
  [`${GATEWAY_GROUP}/TLSRoute`]: validateTLSRoute,
  [`${GATEWAY_GROUP}/UDPRoute`]: validateUDPRoute,
  [`${GATEWAY_GROUP}/ReferenceGrant`]: validateReferenceGrant,
  [`${GATEWAY_GROUP}/BackendTLSPolicy`]: validateBackendTLSPolicy,
  [`${GATEWAY_GROUP}/ListenerSet`]: validateListenerSet,
};
