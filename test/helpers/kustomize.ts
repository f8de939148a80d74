// The install in manifests/ as `kubectl apply -k` sees it, for the tests that check it. The
// rendering comes from real kustomize: kubectl on PATH, else the kubectl the e2e suite built,
// else a kustomize binary built once with Go (pinned, cached in ~/.cache/meshgate-test), so
// `npm test` needs nothing installed by hand beyond Node and Go.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** kustomize's CLI, pinned: v5.8.1 is the newest that builds with Go 1.26. */
const KUSTOMIZE = 'sigs.k8s.io/kustomize/kustomize/v5@v5.8.1';

const works = (cmd: string, args: readonly string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function e2eKubectl(): string | undefined {
  const version = /k8s\.io\/kubernetes (v\S+)/.exec(readFileSync('test/e2e/k8s/go.mod', 'utf8'))?.[1] ?? '';
  const built = join(process.env['MESHGATE_E2E_CACHE'] ?? join(homedir(), '.cache', 'meshgate-e2e'), version, 'bin', 'kubectl');
  return existsSync(built) ? built : undefined;
}

function goBuiltKustomize(): string {
  const dir = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'meshgate-test', KUSTOMIZE.split('@')[1] as string);
  const binary = join(dir, 'kustomize');
  if (existsSync(binary)) return binary;
  const go = ['go', '/usr/local/go/bin/go'].find((g) => works(g, ['version']));
  if (!go) throw new Error('rendering manifests/ needs kustomize: put kubectl on PATH, or install Go so the tests can build kustomize once');
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`building ${KUSTOMIZE} with Go into ${dir} (once, about a minute)\n`);
  execFileSync(go, ['install', KUSTOMIZE], { env: { ...process.env, GOBIN: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
  return binary;
}

/** The command that renders a kustomization directory to stdout. */
function renderer(): readonly [string, readonly string[]] {
  if (works('kubectl', ['version', '--client'])) return ['kubectl', ['kustomize']];
  const built = e2eKubectl();
  if (built) return [built, ['kustomize']];
  return [goBuiltKustomize(), ['build']];
}

type Obj = Record<string, any>;

/** Every object of `kubectl kustomize manifests/`, in order. */
export function renderInstall(): Obj[] {
  const [cmd, args] = renderer();
  return parseAllDocuments(execFileSync(cmd, [...args, 'manifests/'], { encoding: 'utf8' })).map((d) => d.toJS() as Obj);
}
