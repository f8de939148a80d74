// One line per step on stderr, with the elapsed time: the first run builds Kubernetes for
// minutes, and a silent terminal (or CI log) looks hung.
export type Progress = (message: string) => void;

export function stderrProgress(start = Date.now(), label = 'e2e'): Progress {
  return (message) => {
    const secs = ((Date.now() - start) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${label} ${secs}s] ${message}\n`);
  };
}

export const silent: Progress = () => undefined;

/** Prints `message (still running, Ns)` every intervalMs until the returned function is called. */
export function heartbeat(progress: Progress, message: string, intervalMs = 30_000): () => void {
  const start = Date.now();
  const timer = setInterval(() => {
    progress(`${message} (still running, ${Math.round((Date.now() - start) / 1000)}s)`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
