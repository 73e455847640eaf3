import { Metadata } from '@grpc/grpc-js';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { ulidIds } from '@hookstream/contracts';
import { DomainError } from './errors';
import { toGrpcReply, toHttpReply } from './errors.mapping';
import { createLogger, type Logger } from './logger';

/** What a grpc-js server turns into the call's status: code, message and trailing metadata. */
export interface GrpcErrorObject {
  code: number;
  message: string;
  details: string;
  metadata: Metadata;
}

interface HttpRequestLike {
  method?: string;
  originalUrl?: string;
  url?: string;
}

interface HttpResponseLike {
  headersSent: boolean;
  status(code: number): HttpResponseLike;
  json(body: unknown): unknown;
  end(): unknown;
}

/** Unavailable dependencies are worth a warning with their cause even though the client sees the message. */
function logIfNoteworthy(logger: Logger, exception: unknown, fields: Record<string, unknown>): void {
  if (exception instanceof DomainError && exception.code === 'unavailable')
    logger.warn({ ...fields, err: exception.cause ?? exception }, exception.message);
}

function internalMessage(logger: Logger, exception: unknown, fields: Record<string, unknown>): string {
  const errorId = ulidIds.next('err');
  logger.error({ ...fields, errorId, err: exception }, 'unhandled error');
  return `internal error, id ${errorId}`;
}

export function grpcErrorOf(exception: unknown, logger: Logger): GrpcErrorObject {
  const reply = toGrpcReply(exception);
  const message = reply.internal ? internalMessage(logger, exception, { transport: 'grpc' }) : reply.message;
  if (!reply.internal) logIfNoteworthy(logger, exception, { transport: 'grpc' });
  const metadata = new Metadata();
  metadata.set('error-type', reply.type);
  // The gRPC status carries one message; the per-field list travels beside it, as JSON.
  if (reply.fields) metadata.set('error-fields', JSON.stringify(reply.fields));
  return { code: reply.code, message, details: message, metadata };
}

/** Every HTTP failure answers `{"error": {"type", "message"}}`; unknown errors only show an id. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger = createLogger('http')) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // A hybrid app that shares its filters with the gRPC server still answers gRPC errors in gRPC terms.
    if (host.getType() === 'rpc') return throwError(() => grpcErrorOf(exception, this.logger));
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<HttpResponseLike>();
    const reply = toHttpReply(exception);
    const fields = { method: request.method, url: request.originalUrl ?? request.url, status: reply.status };
    const message = reply.internal ? internalMessage(this.logger, exception, fields) : reply.message;
    if (!reply.internal) logIfNoteworthy(this.logger, exception, fields);
    if (response.headersSent) {
      response.end();
      return;
    }
    const problems = reply.fields ? { fields: reply.fields } : {};
    response.status(reply.status).json({ error: { type: reply.type, message, ...problems } });
  }
}

/** For the gRPC microservice: domain codes become gRPC statuses; the type travels as `error-type` metadata. */
@Catch()
export class GrpcErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger = createLogger('grpc')) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => grpcErrorOf(exception, this.logger));
  }
}
