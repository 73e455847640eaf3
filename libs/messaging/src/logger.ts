import { createLogger, type Logger } from '@hookstream/platform';

/** What the messaging code logs through: the service's pino logger fits. */
export type MessagingLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Without the service's logger (tools, tests): JSON lines at info, one `component` field. */
export function defaultLogger(component: string): MessagingLogger {
  return createLogger('messaging').child({ component });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
