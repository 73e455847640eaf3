/** Injection tokens shared by the features of the subscriptions service. */
export const CONFIG = Symbol('SUBSCRIPTIONS_CONFIG');
export const CLOCK = Symbol('CLOCK');
export const IDS = Symbol('ID_GENERATOR');
