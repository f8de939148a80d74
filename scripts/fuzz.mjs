// `npm run fuzz`: sends N fuzzed requests (default 100,000) to a real `meshgate serve` over
// HTTPS and checks every answer (scripts/fuzz-lib.mjs); then that the process is alive, did
// not log an unhandled error, and that its memory stayed bounded. Prints the counts.
//   npm run fuzz -- [--runs N] [--concurrency C] [--seed S]
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { checkAnswer, inputs, seedReviews } from './fuzz-lib.mjs';
import { ROOT as root, httpsGet, rssMB, startMeshgate } from './lib.mjs';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '16' }, seed: { type: 'string' } } });
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const SEED = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;

const mg = await startMeshgate({ serveArgs: ['--log-level', 'warn'], stdio: ['ignore', 'pipe', 'pipe'] });
const { port, child } = mg;
let logs = '';
child.stdout.on('data', (c) => (logs += c));
child.stderr.on('data', (c) => (logs += c));
let exited = false;
child.on('exit', () => (exited = true));

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, rejectUnauthorized: false });
function send(path, input) {
  return new Promise((resolve) => {
    const headers = input.contentType ? { 'content-type': input.contentType } : {};
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(input.body);
  });
}
const get = (path) => httpsGet(port, path, agent).catch((e) => ({ status: 0, text: e.message }));
const rss = () => rssMB(port, agent);

const seeds = seedReviews();
const arb = inputs(seeds);
console.log(`fuzzing meshgate on 127.0.0.1:${port}: ${RUNS} inputs, ${CONCURRENCY} concurrent, seed ${SEED}`);
const started = Date.now();
let sent = 0;
const failures = [];
let failed = 0;
const rssStart = await rss();
let rssPeak = rssStart;
const BATCH = 1000;
for (let b = 0; sent < RUNS && !exited; b++) {
  const batch = fc.sample(arb, { numRuns: Math.min(BATCH, RUNS - sent), seed: SEED + b });
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batch.length) {
        const input = batch[next++];
        const path = input.review?.request?.kind?.kind === 'Pod' || next % 2 === 0 ? '/inject' : '/validate';
        const { status, text } = await send(path, input);
        const problem = status === 0 ? `connection error: ${text}` : checkAnswer(input, status, text);
        if (problem) failed++;
        if (problem && failures.length < 50) failures.push({ path, problem, input: input.body.slice(0, 4000) });
      }
    }),
  );
  sent += batch.length;
  if (sent % 10000 === 0 || sent === RUNS) {
    const mb = await rss();
    rssPeak = Math.max(rssPeak, mb);
    console.log(`  ${sent} sent, ${failed} failures, ${Math.round(sent / ((Date.now() - started) / 1000))} req/s, RSS ${mb.toFixed(0)} MB`);
  }
}
const alive = (await get('/healthz')).status === 200;
const rssEnd = await rss();
await mg.stop();
const unhandled = /unhandled|fatal error/i.test(logs);
console.log(
  `fuzz: ${sent} inputs sent in ${((Date.now() - started) / 1000).toFixed(0)} s; ${failed} failures; process ${alive ? 'alive' : 'DEAD'}; unhandled errors logged: ${unhandled ? 'yes' : 'none'}; RSS ${rssStart.toFixed(0)} → peak ${rssPeak.toFixed(0)} → end ${rssEnd.toFixed(0)} MB`,
);
if (failures.length > 0) {
  const file = join(root, 'bench', 'results', `fuzz-failures-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(failures, null, 2));
  console.log(`first failures written to ${file}:`);
  for (const f of failures.slice(0, 5)) console.log(`  ${f.path}: ${f.problem}`);
}
process.exit(failed === 0 && alive && !unhandled && rssPeak < 400 ? 0 : 1);
