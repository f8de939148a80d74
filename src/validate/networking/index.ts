// Validators for the Istio networking.istio.io kinds, keyed by `group/Kind`.
import type { Validator } from '../issues.js';

export const networkingValidators: Readonly<Record<string, Validator>> = {};
