// meshgate's version, read once from the installed package's package.json (the CLI's
// `meshgate version` and the meshgate_build_info metric report it).
import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

let cached: string | undefined;

export function meshgateVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
