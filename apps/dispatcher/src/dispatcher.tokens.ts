/** Injection tokens of the dispatcher. */
export const DISPATCHER_CONFIG = Symbol('DISPATCHER_CONFIG');
/** The service's pino logger (JSON lines; secrets redacted by the platform logger). */
export const DISPATCHER_LOGGER = Symbol('DISPATCHER_LOGGER');
export const FAILURE_HISTORY = Symbol('FAILURE_HISTORY');
