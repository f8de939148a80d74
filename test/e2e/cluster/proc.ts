// Child processes for the end-to-end cluster: one-shot commands (captured output) and
// long-running daemons (output to a log file), all stopped on teardown, on SIGINT/SIGTERM and
// at process exit, so a failed or interrupted run leaves nothing listening.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** Runs a command to completion; never rejects on a non-zero exit (the caller decides). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr,
      });
    });
    // A child that exits without reading its input (go mod download, a fast kubectl) closes the
    // pipe first: EPIPE on stdin is not a failure of the command, its exit code says that.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    if (opts.input === undefined) child.stdin.end();
    else child.stdin.end(opts.input);
  });
}

/** Like run, but throws with the command and the tail of its stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const res = await run(cmd, args, opts);
  if (res.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.code}:\n${tail(res.stderr || res.stdout, 40)}`);
  }
  return res;
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<string>;
  isRunning(): boolean;
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonSpec {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Starts a long-running process whose stdout and stderr go to spec.logFile. */
export function startDaemon(spec: DaemonSpec): Daemon {
  const fd = openSync(spec.logFile, 'a');
  const child = spawn(spec.cmd, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  installEmergencyCleanup();
  live.add(child);
  let running = true;
  const exited = new Promise<string>((resolve) => {
    const done = (how: string): void => {
      running = false;
      live.delete(child);
      resolve(how);
    };
    child.on('exit', (code, signal) => done(signal ?? String(code)));
    child.on('error', (e) => done(`spawn error: ${e.message}`));
  });
  const logTail = (lines = 30): string => tail(readText(spec.logFile), lines);
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.cmd}`);
  return { name: spec.name, pid: child.pid, logFile: spec.logFile, exited, isRunning: () => running, logTail, stop };
}

/** Registers a directory to remove if the process is interrupted before normal cleanup. */
export function trackTempDir(dir: string): () => void {
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

let installed = false;

// Synchronous last-resort cleanup: an interrupted run (Ctrl-C, CI timeout) or a crash in the
// setup code must not leave etcd or the API server running, or the run's keys on disk.
function installEmergencyCleanup(): void {
  if (installed) return;
  installed = true;
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
    live.clear();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (live.size > 0) process.stderr.write(`[e2e] ${signal}: stopping ${[...live].map((c) => c.pid).join(', ')}\n`);
      killAll();
      if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
