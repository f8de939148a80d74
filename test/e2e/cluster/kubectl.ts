// A small kubectl wrapper bound to one binary and kubeconfig. `run` returns the exit code and
// both streams (tests assert on what kubectl prints); `ok` and `json` throw on failure.
import { run, type RunResult } from './proc.js';

export interface KubectlOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface Kubectl {
  readonly binary: string;
  readonly kubeconfig: string;
  run(args: readonly string[], opts?: KubectlOptions): Promise<RunResult>;
  ok(args: readonly string[], opts?: KubectlOptions): Promise<string>;
  json<T = unknown>(args: readonly string[], opts?: KubectlOptions): Promise<T>;
}

export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const runK = (args: readonly string[], opts: KubectlOptions = {}): Promise<RunResult> => run(binary, args, { env, input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 });
  const ok = async (args: readonly string[], opts?: KubectlOptions): Promise<string> => {
    const res = await runK(args, opts);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${res.code}:\n${res.stderr.trim()}`);
    return res.stdout;
  };
  const json = async <T>(args: readonly string[], opts?: KubectlOptions): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'], opts)) as T;
  return { binary, kubeconfig, run: runK, ok, json };
}
