// Validators for the Gateway API (gateway.networking.k8s.io) kinds, keyed by `group/Kind`.
import type { Validator } from '../issues.js';

export const gatewayApiValidators: Readonly<Record<string, Validator>> = {};
