import { Logger, type LoggerService } from '@nestjs/common';

/** What the messaging code logs through: Nest's Logger (routed to pino by the platform) fits. */
export type MessagingLogger = Pick<LoggerService, 'log' | 'warn' | 'error'>;

export function defaultLogger(context: string): MessagingLogger {
  return new Logger(context);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
