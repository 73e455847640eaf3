import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, of, switchMap, throwError } from 'rxjs';
import type { Tenant } from './authenticator';
import { conflict } from './errors';
import { invalidField } from './validation';
import { type IdempotencyStore, requestFingerprint } from './idempotency.store';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that was stored for the key, not produced anew. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface HttpRequest {
  method: string;
  originalUrl?: string;
  url: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  tenant?: Tenant;
}

interface HttpResponse {
  statusCode: number;
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): unknown;
}

/**
 * `Idempotency-Key` on every POST: the first request with a key runs and its answer is stored
 * for 24 h; the same key with the same body gets that answer again (with `Idempotent-Replayed:
 * true`), another body under the key is 409, and a key whose request is still running is 409
 * too, so two concurrent duplicates never both run. Keys belong to the organization the request
 * acts for (the operator's for /admin). A request that fails stores nothing and may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const raw = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_PATTERN.test(key))
      throw invalidField('Idempotency-Key', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
    const response = context.switchToHttp().getResponse<HttpResponse>();
    const scope = request.tenant?.organizationId ?? '@operator';
    const path = (request.originalUrl ?? request.url).split('?')[0]!;
    const fingerprint = requestFingerprint(request.method, path, request.body);
    return from(this.store.claim(scope, key, fingerprint)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'mismatch')
          throw conflict('this Idempotency-Key was used with another request', undefined, {
            type: 'idempotency_key_reused',
          });
        if (claim.kind === 'in_progress')
          throw conflict('a request with this Idempotency-Key is still running; retry later', undefined, {
            type: 'idempotency_key_in_use',
          });
        if (claim.kind === 'replay') {
          response.status(claim.answer.status);
          response.setHeader(REPLAYED_HEADER, 'true');
          return of(claim.answer.body);
        }
        // Released only when the handler failed: once it succeeded, a failure to store the answer
        // keeps the key held until the lease ends rather than letting a retry run it twice at once.
        return next.handle().pipe(
          catchError((error: unknown) =>
            from(this.store.release(scope, key)).pipe(switchMap(() => throwError(() => error))),
          ),
          mergeMap((body) =>
            from(this.store.complete(scope, key, { status: response.statusCode, body })).pipe(
              switchMap(() => of(body)),
            ),
          ),
        );
      }),
    );
  }
}
