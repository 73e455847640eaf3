import { unsupportedMediaType } from './errors';

/** Express's request, as far as this check reads it: `is()` answers null when there is no body. */
interface RequestWithBody {
  is(types: string[]): string | false | null;
  headers: Record<string, string | string[] | undefined>;
}

/** What the body parser reads (charset parameters included). */
const JSON_TYPES = ['application/json'];

/**
 * Every body the API takes is JSON. A body of another type would reach the handlers unparsed (as
 * no body at all) and fail with a misleading "must be a JSON object"; it is refused as 415 instead.
 * Requests without a body pass: POST /webhooks/:id/rotate-secret needs none.
 */
export function requireJsonBodies() {
  return (request: RequestWithBody, _response: unknown, next: (error?: unknown) => void): void => {
    // `Content-Length: 0` (curl -X POST, fetch without a body) counts as a body for type-is.
    if (request.headers['content-length'] === '0') return next();
    if (request.is(JSON_TYPES) !== false) return next();
    const sent = String(request.headers['content-type'] ?? 'no content-type');
    next(unsupportedMediaType(`request body must be application/json, got ${sent}`));
  };
}
