/** Injection tokens of the log-projector. */
export const LOG_PROJECTOR_CONFIG = Symbol('LOG_PROJECTOR_CONFIG');
/** The service's pino logger (JSON lines; secrets redacted by the platform logger). */
export const LOG_PROJECTOR_LOGGER = Symbol('LOG_PROJECTOR_LOGGER');
/** Injected so that tests and replays control time and ids. */
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
