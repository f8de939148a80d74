// The ceiling server: the same fastify + TLS set-up as `meshgate serve` (HTTPS, JSON body
// parsing, body limit, timeouts), answering every request with a canned AdmissionReview of
// the size meshgate's real answer has, and doing nothing else. Throughput relative to it
// is what meshgate's own work costs.
//   node bench/ceiling.mjs --port P --cert F --key F --canned FILE
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fastify from 'fastify';

const { values } = parseArgs({ options: { port: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, canned: { type: 'string' } } });
const canned = JSON.parse(readFileSync(values.canned, 'utf8'));
const bodies = new Map(Object.entries(canned).map(([k, v]) => [k, Buffer.from(v)]));

const app = fastify({
  logger: false,
  bodyLimit: 7 * 1024 * 1024,
  requestTimeout: 15_000,
  keepAliveTimeout: 90_000,
  https: { key: readFileSync(values.key), cert: readFileSync(values.cert), minVersion: 'TLSv1.2' },
});
app.server.headersTimeout = 10_000;
const answer = async (request, reply) => reply.type('application/json').send(bodies.get(request.headers['x-bench-workload']) ?? '{}');
app.post('/inject', answer);
app.post('/validate', answer);
await app.listen({ host: '127.0.0.1', port: Number(values.port) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
console.log('ceiling ready');
