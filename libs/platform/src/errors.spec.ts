import { Writable } from 'node:stream';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  BadRequestException,
  HttpException,
  HttpStatus,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { DomainError, type ErrorCode, notFound, unavailable, validationFailed } from './errors';
import { grpcErrorOf } from './errors.filters';
import { fromBodyParserError, toGrpcReply, toHttpReply } from './errors.mapping';
import { createLogger } from './logger';

/** What body-parser raises (http-errors): a client-safe message, a status and a type. */
function bodyParserError(type: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(
    new Error(type === 'entity.too.large' ? 'request entity too large' : 'Unexpected token'),
    {
      type,
      status,
      statusCode: status,
      expose: true,
      ...extra,
    },
  );
}

describe('toHttpReply', () => {
  it.each<[ErrorCode, number]>([
    ['validation_failed', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['payload_too_large', 413],
    ['unavailable', 503],
  ])('answers %s with %i and the message', (code, status) => {
    expect(toHttpReply(new DomainError(code, 'why'))).toEqual({
      status,
      type: code,
      message: 'why',
      internal: false,
    });
  });

  it('lets a route rename the type', () => {
    expect(toHttpReply(notFound('dispatch dsp_1', { type: 'record-not-found' }))).toEqual({
      status: 404,
      type: 'record-not-found',
      message: 'dispatch dsp_1 not found',
      internal: false,
    });
  });

  it('maps Nest exceptions to the same vocabulary', () => {
    expect(toHttpReply(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      type: 'not_found',
      message: 'Cannot GET /nope',
    });
    expect(toHttpReply(new BadRequestException(['a is bad', 'b is bad']))).toMatchObject({
      status: 400,
      type: 'validation_failed',
      message: 'a is bad; b is bad',
    });
    expect(toHttpReply(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      type: 'payload_too_large',
    });
    expect(toHttpReply(new HttpException('no', HttpStatus.METHOD_NOT_ALLOWED))).toMatchObject({
      status: 405,
      type: 'method_not_allowed',
      message: 'no',
    });
    expect(toHttpReply(new ServiceUnavailableException('later'))).toMatchObject({
      status: 503,
      type: 'unavailable',
    });
  });

  it('names invalid JSON and oversized bodies', () => {
    expect(toHttpReply(bodyParserError('entity.parse.failed', 400))).toEqual({
      status: 400,
      type: 'invalid_json',
      message: 'request body is not valid JSON: Unexpected token',
      internal: false,
    });
    expect(toHttpReply(bodyParserError('entity.too.large', 413, { limit: 1048576 }))).toEqual({
      status: 413,
      type: 'payload_too_large',
      message: 'request body is larger than 1048576 bytes',
      internal: false,
    });
    expect(toHttpReply(bodyParserError('encoding.unsupported', 415))).toMatchObject({
      status: 415,
      type: 'unsupported_media_type',
    });
  });

  it('hides everything else behind an internal error', () => {
    for (const error of [
      new Error('password=hunter2'),
      new DomainError('internal', 'broken invariant'),
      new HttpException('upstream said x', 502),
      Object.assign(new Error('hidden'), { status: 400 }),
      'a string',
      undefined,
    ])
      expect(toHttpReply(error)).toMatchObject({
        type: 'internal',
        message: 'internal error',
        internal: true,
      });
  });

  it('leaves non body-parser errors alone', () => {
    expect(fromBodyParserError(new Error('x'))).toBeUndefined();
  });
});

describe('toGrpcReply', () => {
  it.each<[ErrorCode, GrpcStatus]>([
    ['validation_failed', GrpcStatus.INVALID_ARGUMENT],
    ['unauthorized', GrpcStatus.UNAUTHENTICATED],
    ['forbidden', GrpcStatus.PERMISSION_DENIED],
    ['not_found', GrpcStatus.NOT_FOUND],
    ['conflict', GrpcStatus.ALREADY_EXISTS],
    ['payload_too_large', GrpcStatus.RESOURCE_EXHAUSTED],
    ['unavailable', GrpcStatus.UNAVAILABLE],
    ['internal', GrpcStatus.INTERNAL],
  ])('answers %s with gRPC status %i', (code, grpcCode) => {
    expect(toGrpcReply(new DomainError(code, 'why')).code).toBe(grpcCode);
  });

  it('passes explicit RpcException statuses through and maps Nest exceptions', () => {
    expect(toGrpcReply(new RpcException({ code: GrpcStatus.ABORTED, message: 'retry' }))).toMatchObject({
      code: GrpcStatus.ABORTED,
      message: 'retry',
    });
    expect(toGrpcReply(new NotFoundException('gone')).code).toBe(GrpcStatus.NOT_FOUND);
    expect(toGrpcReply(new Error('secret detail'))).toMatchObject({
      code: GrpcStatus.INTERNAL,
      internal: true,
    });
  });
});

describe('grpcErrorOf', () => {
  function capture(): { lines: string[]; stream: Writable } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, stream };
  }

  it('carries code, message and type for the grpc-js server', () => {
    const error = grpcErrorOf(
      validationFailed('name is required'),
      createLogger('t', 'info', capture().stream),
    );
    expect(error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: 'name is required' });
    expect(error.metadata.get('error-type')).toEqual(['validation_failed']);
  });

  it('logs an unknown error under the id it answers with', () => {
    const { lines, stream } = capture();
    const error = grpcErrorOf(new Error('db password wrong'), createLogger('t', 'info', stream));
    const id = /^internal error, id (err_\w+)$/.exec(error.message)?.[1];
    expect(id).toBeDefined();
    expect(lines.join('')).toContain(id);
    expect(lines.join('')).toContain('db password wrong');
    expect(error.message).not.toContain('password');
  });

  it('logs unavailable dependencies with their cause', () => {
    const { lines, stream } = capture();
    grpcErrorOf(
      unavailable('store down', { cause: new Error('ECONNREFUSED') }),
      createLogger('t', 'info', stream),
    );
    expect(lines.join('')).toContain('ECONNREFUSED');
  });
});
