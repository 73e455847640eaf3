import type { Provider } from '@nestjs/common';
import { createLogger } from '@hookstream/platform';
import { DISPATCHER_CONFIG, type DispatcherConfig } from './dispatcher.config';

/** The service's pino logger (JSON lines; secrets redacted by the platform logger). */
export const DISPATCHER_LOGGER = Symbol('DISPATCHER_LOGGER');

export const dispatcherLoggerProvider: Provider = {
  provide: DISPATCHER_LOGGER,
  useFactory: (config: DispatcherConfig) => createLogger('dispatcher', config.logLevel),
  inject: [DISPATCHER_CONFIG],
};
