// Validators for the Istio extensions.istio.io kinds, keyed by `group/Kind`.
import type { KindRules } from '../framework.js';
import { validateWasmPlugin } from './wasm-plugin.js';

export const extensionsRules: Readonly<Record<string, KindRules>> = {
  'extensions.istio.io/WasmPlugin': validateWasmPlugin,
};
