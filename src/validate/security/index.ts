// Validators for the Istio security kinds, keyed by `group/Kind`. ProxyConfig lives in
// networking.istio.io but belongs to this family; the registry merges all families' records.
import type { KindRules } from '../framework.js';
import { validateAuthorizationPolicy } from './authorization-policy.js';
import { validatePeerAuthentication } from './peer-authentication.js';
import { validateProxyConfig } from './proxy-config.js';
import { validateRequestAuthentication } from './request-authentication.js';

export const securityRules: Readonly<Record<string, KindRules>> = {
  'security.istio.io/PeerAuthentication': validatePeerAuthentication,
  'security.istio.io/AuthorizationPolicy': validateAuthorizationPolicy,
  'security.istio.io/RequestAuthentication': validateRequestAuthentication,
  'networking.istio.io/ProxyConfig': validateProxyConfig,
};
