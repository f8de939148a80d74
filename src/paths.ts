// Locations inside the installed package, resolved from this file so that `npx meshgate`
// works from any working directory (dist/paths.js → the package root is one level up).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
