// `npm run soak`: measures meshgate's capacity for a mix of /inject and /validate requests,
// then holds half of it for 10 minutes (--minutes), sampling RSS. Passes when no request
// failed and RSS grew less than 10 % from the end of warm-up to the end.
//   npm run soak -- [--minutes M] [--connections C]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ROOT, rssMB, startMeshgate } from './lib.mjs';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' } } });
const MINUTES = Number(values.minutes);
const CONNECTIONS = Number(values.connections);
const say = (m) => console.log(`[soak] ${m}`);

const mg = await startMeshgate({ stdio: ['ignore', 'ignore', 'inherit'] });
const body = (name) => readFileSync(join(ROOT, 'bench', 'data', `${name}.json`), 'utf8');
const requests = [
  { path: '/inject', body: body('inject-5kb') },
  { path: '/inject', body: body('inject-gateway') },
  { path: '/validate', body: body('validate-virtualservice') },
  { path: '/validate', body: body('validate-httproute') },
].map((r) => ({ ...r, method: 'POST', headers: { 'content-type': 'application/json' } }));

const run = (opts) =>
  new Promise((resolve, reject) => autocannon({ url: `https://127.0.0.1:${mg.port}`, connections: CONNECTIONS, requests, ...opts }, (e, r) => (e ? reject(e) : resolve(r))));

say('measuring capacity (15 s, unthrottled)');
const capacity = Math.round((await run({ duration: 15 })).requests.average);
const rate = Math.max(1, Math.floor(capacity / 2));
say(`capacity ${capacity} req/s; holding ${rate} req/s for ${MINUTES} min`);
await run({ duration: 20, overallRate: rate });
const rssStart = await rssMB(mg.port);
say(`after warm-up: RSS ${rssStart.toFixed(1)} MB`);
const samples = [];
const sampler = setInterval(async () => {
  const mb = await rssMB(mg.port).catch(() => NaN);
  samples.push(mb);
  say(`  ${samples.length * 30} s: RSS ${mb.toFixed(1)} MB`);
}, 30_000);
const result = await run({ duration: MINUTES * 60, overallRate: rate });
clearInterval(sampler);
const rssEnd = await rssMB(mg.port);
await mg.stop();
const errors = result.errors + result.timeouts + result.non2xx;
const growth = ((rssEnd - rssStart) / rssStart) * 100;
console.log(
  `soak: ${result.requests.total} requests in ${MINUTES} min at ${rate} req/s (half of ${capacity}); errors ${errors}; ` +
    `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
    `RSS ${rssStart.toFixed(1)} → ${rssEnd.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %, peak ${Math.max(rssEnd, ...samples.filter(Number.isFinite)).toFixed(1)} MB)`,
);
process.exit(errors === 0 && growth < 10 ? 0 : 1);
