// Validators for the Istio security, telemetry and extensions kinds, keyed by `group/Kind`.
import type { Validator } from '../issues.js';

export const securityValidators: Readonly<Record<string, Validator>> = {};
