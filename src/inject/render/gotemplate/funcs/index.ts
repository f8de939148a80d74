// The function map of Istio's injection templates: Go's builtins, Sprig's functions and
// Istio's own (which win on a name clash), each with the Go signature recorded from the pinned
// modules, so argument checks behave as in Go. A Sprig function meshgate does not implement
// is refused when the template is loaded, never at request time.
import { FUNCS } from '../generated/gotypes.js';
import { BUILTINS } from '../builtins.js';
import type { FunctionCheck } from '../parse.js';
import type { Func, FuncMap } from '../state.js';
import { typeNamed } from '../types.js';
import { istioFunctions } from './istio.js';
import { DATA_FUNCS } from './sprig-data.js';
import { STRING_FUNCS } from './sprig-strings.js';
import type { Impl } from './util.js';

/** Functions whose result depends on the clock, randomness or the host, which Sprig has but an injector must not use. */
const REFUSED = new Set([
  'env',
  'expandenv',
  'getHostByName',
  'now',
  'date',
  'dateInZone',
  'date_in_zone',
  'dateModify',
  'date_modify',
  'mustDateModify',
  'must_date_modify',
  'ago',
  'htmlDate',
  'htmlDateInZone',
  'toDate',
  'mustToDate',
  'unixEpoch',
  'duration',
  'durationRound',
]);

function funcOf(name: string, impl: Impl): Func | undefined {
  const sig = Object.hasOwn(FUNCS, name) ? FUNCS[name] : undefined;
  if (!sig) return undefined;
  return {
    name,
    params: (sig.i ?? []).map(typeNamed),
    variadic: sig.v === true,
    result: typeNamed(sig.o?.[0] ?? 'interface {}'),
    call: impl,
  };
}

/** The function map for one configuration (`env` reads its control-plane settings). */
export function injectionFuncs(controlPlaneEnv: Readonly<Record<string, string>>): FuncMap {
  const map = new Map<string, Func>(BUILTINS);
  const impls: Record<string, Impl> = { ...STRING_FUNCS, ...DATA_FUNCS, ...istioFunctions(controlPlaneEnv) };
  for (const [name, impl] of Object.entries(impls)) {
    const f = funcOf(name, impl);
    if (f) map.set(name, f);
  }
  return map;
}

/** Why a function name cannot be used in a template (undefined when it can). */
export function functionCheck(funcs: FuncMap): FunctionCheck {
  return (name) => {
    if (funcs.has(name)) return undefined;
    if (Object.hasOwn(FUNCS, name)) {
      return REFUSED.has(name)
        ? `function "${name}" is not available: its result would depend on the clock or the host`
        : `function "${name}" is a Sprig function meshgate does not implement`;
    }
    return `function "${name}" not defined`;
  };
}
