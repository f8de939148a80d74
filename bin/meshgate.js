#!/usr/bin/env node
// Entry point for `npx meshgate`; the compiled program lives in dist/ (npm run build). When it
// is missing, say how to build it instead of printing Node's module-resolution stack trace.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

try {
  await import('../dist/main.js');
} catch (e) {
  const missing = e && e.code === 'ERR_MODULE_NOT_FOUND' ? /Cannot find (?:module|package) '([^']+)'/.exec(String(e.message)) : null;
  if (!missing || process.argv.includes('--verbose')) throw e;
  const what = missing[1];
  const fix = what.includes('/dist/')
    ? `meshgate is not built yet: run \`npm run build\` in ${root} (after \`npm ci\`)`
    : `a dependency (${what}) is not installed: run \`npm ci\` in ${root}, then \`npm run build\``;
  process.stderr.write(`meshgate: ${fix}\n`);
  process.exitCode = 2;
}
