export * from './event-type';
export * from './built-in-event-types';
export * from './samples';
export * from './event-catalog';
export { MAX_SCHEMA_BYTES } from './schema-compiler';
