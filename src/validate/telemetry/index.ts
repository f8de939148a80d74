// Validators for the Istio telemetry.istio.io kinds, keyed by `group/Kind`.
import type { KindRules } from '../framework.js';
import { validateTelemetry } from './telemetry.js';

export const telemetryRules: Readonly<Record<string, KindRules>> = {
  'telemetry.istio.io/Telemetry': validateTelemetry,
};
