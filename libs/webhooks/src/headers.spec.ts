import fc from 'fast-check';
import { isReservedHeader, validateCustomHeaders } from './headers';

describe('validateCustomHeaders', () => {
  it.each([
    {},
    { Authorization: 'Bearer abc' },
    { 'X-Tenant': 'acme', 'x-trace': '', "X-Odd!#$%&'*+.^_`|~": 'v' },
    { 'X-Long': 'a'.repeat(4096), ['X-' + 'n'.repeat(254)]: 'tab\tand café' },
    Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'v'])),
    Object.assign(Object.create(null) as object, { 'X-Null-Proto': 'v' }),
  ])('accepts %j', (headers) => expect(validateCustomHeaders(headers)).toBeNull());

  it.each([
    [null, 'must be an object'],
    ['X-A: b', 'must be an object'],
    [[['X-A', 'b']], 'must be an object'],
    [new Map([['X-A', 'b']]), 'must be an object'],
    [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])), 'at most 20'],
    [{ 'X A': 'v' }, 'HTTP token'],
    [{ 'X-A:': 'v' }, 'HTTP token'],
    [{ '': 'v' }, 'HTTP token'],
    [{ 'X-Ü': 'v' }, 'HTTP token'],
    [{ ['X-' + 'n'.repeat(255)]: 'v' }, 'at most 256 characters'],
    [{ 'X-A': 1 }, 'string value'],
    [{ 'X-A': ['a'] }, 'string value'],
    [{ 'X-A': 'a'.repeat(4097) }, 'at most 4096'],
    [{ 'X-A': 'a\r\nX-Injected: 1' }, 'line breaks'],
    [{ 'X-A': 'a\nb' }, 'line breaks'],
    [{ 'X-A': 'a\u0000b' }, 'line breaks'],
    [{ 'X-A': 'a\u007fb' }, 'control characters'],
    [{ 'X-A': 'snow ☃' }, 'beyond Latin-1'],
    [{ 'X-Tenant': 'a', 'x-tenant': 'b' }, 'given twice'],
  ])('refuses %j (%s)', (headers, message) => expect(validateCustomHeaders(headers)).toContain(message));

  it.each([
    'Host',
    'content-length',
    'Content-Type',
    'TRANSFER-ENCODING',
    'Connection',
    'Keep-Alive',
    'Upgrade',
    'Expect',
    'TE',
    'Trailer',
    'Proxy-Authorization',
    'proxy-connection',
    'User-Agent',
    'webhook-id',
    'Webhook-Signature',
    'webhook-timestamp',
    'X-Webhook-Signature',
    'X-Webhooks-Signature',
    'x-webhooks-id',
    'X-Apify-Webhook',
    'X-Apify-Request-Origin',
  ])('refuses the reserved name %s', (name) => {
    expect(validateCustomHeaders({ [name]: 'v' })).toBe(`header "${name}" is reserved`);
  });

  it('keeps reserved prefixes exact', () => {
    expect(isReservedHeader('X-Webhook-Source')).toBe(false);
    expect(isReservedHeader('Webhooks-Id')).toBe(false);
    expect(isReservedHeader('Authorization')).toBe(false);
  });

  it('never accepts a value that could split the request', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('\r', '\n', '\u0000'),
        fc.string(),
        (before, breaker, after) => {
          expect(validateCustomHeaders({ 'X-A': `${before}${breaker}${after}` })).not.toBeNull();
        },
      ),
    );
  });
});
