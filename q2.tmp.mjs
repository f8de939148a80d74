import { readFileSync } from 'node:fs';
import { bundledCrds, validatorsFor } from './dist/crds.js';
const v = validatorsFor({ fieldValidation: 'Strict', regexCheck: 'deny' }, bundledCrds());
const obj = JSON.parse(readFileSync(`bench/data/validate-httproute.json`, 'utf8')).request.object;
for (let i = 0; i < 5000; i++) v.validate({ object: obj });
