import { readFileSync } from 'node:fs';
import { bundledCrds, validatorsFor } from './dist/crds.js';
const base = await import('/tmp/mg-base/dist/validate/index.js');
const v = validatorsFor({ fieldValidation: 'Strict', regexCheck: 'deny' }, bundledCrds());
const time = (f) => { for (let i = 0; i < 300; i++) f(); const N = 1500; const t = performance.now(); for (let i = 0; i < N; i++) f(); return (performance.now() - t) / N; };
for (const w of ['validate-httproute', 'validate-virtualservice']) {
  const obj = JSON.parse(readFileSync(`bench/data/${w}.json`, 'utf8')).request.object;
  for (let round = 0; round < 2; round++) {
    const b = time(() => base.validateObject(obj)); const n = time(() => v.validate({ object: obj }));
    console.log(w, 'baseline', b.toFixed(3), 'new', n.toFixed(3), 'ratio', (n / b).toFixed(2));
  }
}
