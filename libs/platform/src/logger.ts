import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Secrets and credentials never reach the log, wherever a caller puts them (top level or one object down). */
export const REDACTED_PATHS: readonly string[] = [
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'key',
  '*.key',
  'password',
  '*.password',
];

/** JSON lines on stdout (or `destination`), one `service` field per process. */
export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

const looksLikeStack = (value: unknown): value is string =>
  typeof value === 'string' && /\n\s+at /.test(value);

/**
 * Nest's own logs as JSON, through the same pino logger as ours. Nest calls `log(message, context)`
 * and `error(message, stack, context)`; the trailing string is the context. Not nestjs-pino: it
 * brings pino-http, a log line per request, which on POST /events (the ingest hot path) would be
 * a line per publish; what it adds beyond that is this adapter.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const last = rest.at(-1);
    const context = typeof last === 'string' && !looksLikeStack(last) ? (rest.pop() as string) : undefined;
    const stack = rest.find(looksLikeStack);
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
