/** The error body every service answers (docs/architecture.md §5) and one reusable response per status. */
type Json = Record<string, unknown>;

export const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'message'],
      properties: {
        type: {
          type: 'string',
          description: 'Stable: clients branch on it (validation_failed, not_found, ...).',
          example: 'validation_failed',
        },
        message: { type: 'string', description: 'For people; may change.', example: 'name must be a string' },
        fields: {
          type: 'array',
          description: 'validation_failed only: one entry per invalid field, its first broken rule.',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: {
              path: {
                type: 'string',
                description: 'Dotted from the body root; "" for the body.',
                example: 'name',
              },
              message: { type: 'string', example: 'name must be a string' },
            },
          },
        },
      },
    },
  },
};

const error = (type: string, message: string, extra: Json = {}): Json => ({
  error: { type, message, ...extra },
});

interface ErrorResponse {
  status: string;
  name: string;
  description: string;
  examples: Record<string, Json>;
}

export const ERROR_RESPONSES: readonly ErrorResponse[] = [
  {
    status: '400',
    name: 'BadRequest',
    description: 'The request is invalid: `fields` names each invalid field.',
    examples: {
      validation_failed: error('validation_failed', 'name must be a string; events must be an array', {
        fields: [
          { path: 'name', message: 'name must be a string' },
          { path: 'events', message: 'events must be an array' },
        ],
      }),
      invalid_json: error('invalid_json', 'request body is not valid JSON: Unexpected end of JSON input'),
    },
  },
  {
    status: '401',
    name: 'Unauthorized',
    description: 'Missing, malformed, unknown or revoked credentials.',
    examples: { unauthorized: error('unauthorized', 'invalid or revoked API key') },
  },
  {
    status: '403',
    name: 'Forbidden',
    description: 'An organization the key does not belong to.',
    examples: { forbidden: error('forbidden', 'this API key has no access to organization org_other') },
  },
  {
    status: '404',
    name: 'NotFound',
    description: 'No such resource in this organization (`record-not-found` on the /v2 routes).',
    examples: { not_found: error('not_found', 'webhook wh_01JD4V8Q6Y2M7N3B5C9X0ZKTRY not found') },
  },
  {
    status: '409',
    name: 'Conflict',
    description: 'Already exists, or an Idempotency-Key reused with another request or still running.',
    examples: {
      conflict: error('conflict', 'event type invoice.paid is already registered'),
      idempotency_key_reused: error(
        'idempotency_key_reused',
        'this Idempotency-Key was used with another request',
      ),
    },
  },
  {
    status: '413',
    name: 'PayloadTooLarge',
    description: 'The body, or one event, is over its size limit.',
    examples: { payload_too_large: error('payload_too_large', 'request body is larger than 1048576 bytes') },
  },
  {
    status: '415',
    name: 'UnsupportedMediaType',
    description: 'A body sent without `Content-Type: application/json`.',
    examples: {
      unsupported_media_type: error(
        'unsupported_media_type',
        'request body must be application/json, got text/plain',
      ),
    },
  },
  {
    status: '500',
    name: 'Internal',
    description: 'A bug: the message carries an error id that the service logged.',
    examples: { internal: error('internal', 'internal error, id err_01JD4V8Q6Y2M7N3B5C9X0ZKTRW') },
  },
  {
    status: '503',
    name: 'Unavailable',
    description: 'A dependency (Postgres, NATS) is not reachable right now: retry.',
    examples: {
      unavailable: error('unavailable', 'events could not be stored right now; retry the request'),
    },
  },
];

export function errorComponents(): Json {
  return Object.fromEntries(
    ERROR_RESPONSES.map((response) => [
      response.name,
      {
        description: response.description,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
            examples: Object.fromEntries(
              Object.entries(response.examples).map(([name, value]) => [name, { value }]),
            ),
          },
        },
      },
    ]),
  );
}

export const errorRef = (status: string): Json => {
  const found = ERROR_RESPONSES.find((response) => response.status === status);
  if (!found) throw new Error(`no error response for ${status}`);
  return { $ref: `#/components/responses/${found.name}` };
};
