/** Injection tokens shared by the features of the subscriptions service. */
export const SUBSCRIPTIONS_CONFIG = Symbol('SUBSCRIPTIONS_CONFIG');
/** The service's pino logger (JSON lines; secrets redacted by the platform logger). */
export const SUBSCRIPTIONS_LOGGER = Symbol('SUBSCRIPTIONS_LOGGER');
/** Injected so that tests and replays control time and ids. */
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
