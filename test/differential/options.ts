// The options every differential suite reads, set by `npm run test:differential` (run.mjs) from
// its flags: MESHGATE_DIFF_SEED, MESHGATE_DIFF_COUNT, MESHGATE_DIFF_MIN_AGREEMENT,
// MESHGATE_DIFF_SHOW and MESHGATE_DIFF_BUILD_ONLY. What the flags leave unset, each suite
// defaults itself (its CI size and pass mark), so a suite also runs alone under vitest.

/** The CI seed, shared by the injection suites (a suite may name its own). */
export const CI_SEED = 20261201;

export interface DiffOptions {
  readonly seed: number;
  readonly count: number;
  /** The pass mark, in percent of inputs that agree. */
  readonly minAgreement: number;
  /** Inputs to print in full (`--show N[,N]`). */
  readonly show: readonly number[];
  readonly buildOnly: boolean;
}

export interface SuiteDefaults {
  readonly count: number;
  readonly minAgreement: number;
  /** The suite's CI seed, when not CI_SEED. */
  readonly seed?: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The options of one suite: the launcher's variables over the suite's own defaults. */
export function diffOptions(defaults: SuiteDefaults, env: NodeJS.ProcessEnv = process.env): DiffOptions {
  const pct = env['MESHGATE_DIFF_MIN_AGREEMENT'];
  const minAgreement = pct === undefined || pct === '' ? defaults.minAgreement : Number(pct);
  if (!Number.isFinite(minAgreement) || minAgreement < 0 || minAgreement > 100) throw new Error(`MESHGATE_DIFF_MIN_AGREEMENT must be a percentage, got ${JSON.stringify(pct)}`);
  return {
    seed: wholeNumber(env, 'MESHGATE_DIFF_SEED', defaults.seed ?? CI_SEED),
    count: wholeNumber(env, 'MESHGATE_DIFF_COUNT', defaults.count),
    minAgreement,
    show: (env['MESHGATE_DIFF_SHOW'] ?? '')
      .split(',')
      .filter((s) => /^\d+$/.test(s.trim()))
      .map(Number),
    buildOnly: env['MESHGATE_DIFF_BUILD_ONLY'] === '1',
  };
}
