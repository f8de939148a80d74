// The plaintext metrics listener (--metrics-listen): GET /metrics in Prometheus text format on a
// port of its own, so Prometheus scrapes with the usual prometheus.io/* annotations and needs no
// CA for meshgate's webhook certificate. It serves nothing else.
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsListener {
  /** The address it listens on, http://HOST:PORT. */
  readonly url: string;
  close(): Promise<void>;
}

function serverFor(registry: Registry, log: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('meshgate serves only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'cannot render metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
}

export function listenMetrics(host: string, port: number, registry: Registry, log: Logger): Promise<MetricsListener> {
  const server = serverFor(registry, log);
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    // A port in use is named by its own setting in the one-line failure (cli/failures.ts).
    server.once('error', (err) => reject(Object.assign(err, { flag: '--metrics-listen' })));
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${actual}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
