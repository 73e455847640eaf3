import { status as GrpcStatus } from '@grpc/grpc-js';
import { HttpException, HttpStatus } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  DomainError,
  type ErrorCode,
  grpcStatusOf,
  httpStatusOf,
  payloadTooLarge,
  validationFailed,
} from './errors';
import type { FieldProblem } from './validation';

/** How one failure is answered. `internal` replies hide the message and log the error under an id. */
export interface ErrorReply {
  status: number;
  type: string;
  message: string;
  internal: boolean;
  /** validation_failed: one entry per invalid field. */
  fields?: FieldProblem[];
}

export interface GrpcErrorReply {
  code: GrpcStatus;
  type: string;
  message: string;
  internal: boolean;
  fields?: FieldProblem[];
}

function fieldsOf(error: DomainError): FieldProblem[] | undefined {
  const fields = error.details?.['fields'];
  return Array.isArray(fields) ? (fields as FieldProblem[]) : undefined;
}

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
};

/** An http-errors object as raised by body-parser and express (`expose` marks a client-safe message). */
interface ClientHttpError {
  status: number;
  message: string;
  type?: string;
  limit?: number;
}

function asClientHttpError(error: unknown): ClientHttpError | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & Partial<ClientHttpError> & { expose?: boolean };
  const status = candidate.status;
  if (candidate.expose !== true || typeof status !== 'number' || status < 400 || status > 499)
    return undefined;
  return { status, message: candidate.message, type: candidate.type, limit: candidate.limit };
}

/** body-parser's failures in our vocabulary; undefined for anything else. */
export function fromBodyParserError(error: unknown): DomainError | undefined {
  const http = asClientHttpError(error);
  if (http?.type === 'entity.parse.failed')
    return validationFailed(`request body is not valid JSON: ${http.message}`, undefined, {
      type: 'invalid_json',
    });
  if (http?.type === 'entity.too.large')
    return payloadTooLarge(
      http.limit === undefined
        ? 'request body is too large'
        : `request body is larger than ${http.limit} bytes`,
    );
  return undefined;
}

/** 405 -> "method_not_allowed": statuses without a domain code keep a readable type. */
function typeOfStatus(status: number): string {
  const code = CODE_OF_STATUS[status];
  if (code) return code;
  const name = (HttpStatus as unknown as Record<number, string | undefined>)[status];
  return name ? name.toLowerCase() : 'http_error';
}

function messageOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

const INTERNAL: ErrorReply = { status: 500, type: 'internal', message: 'internal error', internal: true };

export function toHttpReply(exception: unknown): ErrorReply {
  const error = fromBodyParserError(exception) ?? exception;
  if (error instanceof DomainError) {
    if (error.code === 'internal') return INTERNAL;
    const fields = fieldsOf(error);
    return {
      status: httpStatusOf[error.code],
      type: error.type,
      message: error.message,
      internal: false,
      ...(fields ? { fields } : {}),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status >= 500 && status !== 503) return { ...INTERNAL, status };
    return { status, type: typeOfStatus(status), message: messageOfHttpException(error), internal: false };
  }
  const http = asClientHttpError(error);
  if (http)
    return { status: http.status, type: typeOfStatus(http.status), message: http.message, internal: false };
  return INTERNAL;
}

const INTERNAL_GRPC: GrpcErrorReply = {
  code: GrpcStatus.INTERNAL,
  type: 'internal',
  message: 'internal error',
  internal: true,
};

export function toGrpcReply(exception: unknown): GrpcErrorReply {
  if (exception instanceof DomainError) {
    if (exception.code === 'internal') return INTERNAL_GRPC;
    const fields = fieldsOf(exception);
    return {
      code: grpcStatusOf[exception.code],
      type: exception.type,
      message: exception.message,
      internal: false,
      ...(fields ? { fields } : {}),
    };
  }
  if (exception instanceof RpcException) {
    const error = exception.getError() as { code?: unknown; message?: unknown };
    if (typeof error === 'object' && typeof error.code === 'number' && typeof error.message === 'string')
      return {
        code: error.code,
        type: GrpcStatus[error.code]?.toLowerCase() ?? 'rpc_error',
        message: error.message,
        internal: false,
      };
    return INTERNAL_GRPC;
  }
  const reply = toHttpReply(exception);
  if (reply.internal) return INTERNAL_GRPC;
  const code = CODE_OF_STATUS[reply.status];
  return {
    code: code ? grpcStatusOf[code] : GrpcStatus.UNKNOWN,
    type: reply.type,
    message: reply.message,
    internal: false,
    ...(reply.fields ? { fields: reply.fields } : {}),
  };
}
