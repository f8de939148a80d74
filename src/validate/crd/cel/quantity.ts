// Kubernetes' CEL quantity library: isQuantity(), quantity() and comparisons. Values are
// compared as numbers, which is exact for the sizes resource quantities take.
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export class QuantityValue {
  constructor(readonly amount: number) {}
}

export function parseQuantity(s: string): QuantityValue | undefined {
  const m = QUANTITY.exec(s);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : (SUFFIX[suffix] ?? 1);
  return new QuantityValue(Number(m[1]) * scale);
}

export function compare(a: QuantityValue, b: QuantityValue): bigint {
  return a.amount < b.amount ? -1n : a.amount > b.amount ? 1n : 0n;
}
