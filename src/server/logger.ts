// The process logger: pino JSON lines with string levels ("info", "warn") and ISO-8601 times,
// which log pipelines and people read without a lookup table. Tests build theirs here too.
import { pino, type DestinationStream, type Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(level: LogLevel, destination?: DestinationStream | NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'meshgate' },
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination as DestinationStream) : pino(options);
}
