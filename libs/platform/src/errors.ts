import { status as GrpcStatus } from '@grpc/grpc-js';

/** Stable codes: clients branch on them, so they never change meaning. */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

export interface DomainErrorOptions {
  /** Body `type` when a route's published shape needs another name than the code (e.g. `record-not-found`). */
  type?: string;
  cause?: unknown;
}

/** What services throw; the HTTP and gRPC filters map the code to a status. */
export class DomainError extends Error {
  readonly type: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.type = options.type ?? code;
  }
}

export const httpStatusOf: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** RESOURCE_EXHAUSTED for payload_too_large: what grpc-js itself answers for an oversized message. */
export const grpcStatusOf: Readonly<Record<ErrorCode, GrpcStatus>> = {
  validation_failed: GrpcStatus.INVALID_ARGUMENT,
  unauthorized: GrpcStatus.UNAUTHENTICATED,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ALREADY_EXISTS,
  payload_too_large: GrpcStatus.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcStatus.INVALID_ARGUMENT,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

type Details = Record<string, unknown> | undefined;

export const validationFailed = (message: string, details?: Details, options?: DomainErrorOptions) =>
  new DomainError('validation_failed', message, details, options);

export const unauthorized = (message = 'missing or invalid API key', options?: DomainErrorOptions) =>
  new DomainError('unauthorized', message, undefined, options);

export const forbidden = (message: string, options?: DomainErrorOptions) =>
  new DomainError('forbidden', message, undefined, options);

/** `notFound('webhook wh_1')` reads "webhook wh_1 not found". */
export const notFound = (what: string, options?: DomainErrorOptions) =>
  new DomainError('not_found', `${what} not found`, undefined, options);

export const conflict = (message: string, details?: Details, options?: DomainErrorOptions) =>
  new DomainError('conflict', message, details, options);

export const payloadTooLarge = (message: string, options?: DomainErrorOptions) =>
  new DomainError('payload_too_large', message, undefined, options);

export const unsupportedMediaType = (message: string) => new DomainError('unsupported_media_type', message);

export const unavailable = (message: string, options?: DomainErrorOptions) =>
  new DomainError('unavailable', message, undefined, options);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
