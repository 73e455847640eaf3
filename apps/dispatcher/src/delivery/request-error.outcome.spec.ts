import { describeRequestError } from './request-error.outcome';

const withCode = (message: string, code: string, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });

describe('describeRequestError', () => {
  it('names common network failures plainly', () => {
    expect(describeRequestError(withCode('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED'))).toBe(
      'connection refused',
    );
    expect(
      describeRequestError(withCode('other side closed', 'UND_ERR_SOCKET', withCode('reset', 'ECONNRESET'))),
    ).toBe('connection reset by the endpoint');
    expect(describeRequestError(withCode('getaddrinfo ENOTFOUND x', 'ENOTFOUND'))).toBe(
      'host not found (DNS)',
    );
  });

  it('keeps the address guard message and marks TLS failures', () => {
    expect(
      describeRequestError(withCode('10.0.0.1 is private: connection refused', 'HS_ADDRESS_REFUSED')),
    ).toBe('10.0.0.1 is private: connection refused');
    expect(describeRequestError(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe(
      'TLS: self-signed certificate',
    );
  });

  it('falls back to code and message', () => {
    expect(describeRequestError(withCode('odd', 'E_ODD'))).toBe('E_ODD: odd');
    expect(describeRequestError('plain')).toBe('plain');
  });
});
