/** The NatsConnection. */
export const NATS_CONNECTION = 'hookstream.messaging.NATS_CONNECTION';
/** The JetStreamClient. */
export const JETSTREAM = 'hookstream.messaging.JETSTREAM';
/** The JetStreamManager. */
export const JETSTREAM_MANAGER = 'hookstream.messaging.JETSTREAM_MANAGER';
/** The MessagingModuleOptions given to forRoot. */
export const MESSAGING_OPTIONS = 'hookstream.messaging.OPTIONS';
