/** Network error codes as subscribers read them in their delivery logs. */
const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the endpoint',
  EPIPE: 'connection reset by the endpoint',
  UND_ERR_SOCKET: 'connection closed by the endpoint',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response body',
  HS_ADDRESS_REFUSED: 'address refused',
};

const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_|HOSTNAME_MISMATCH)/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short, secret-free description of why a request got no response. */
export function describeRequestError(error: unknown): string {
  // undici wraps socket errors; the cause carries the code that explains them.
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = codeOf(error);
  const causeCode = codeOf(cause);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'HS_ADDRESS_REFUSED') return message;
  if (code !== undefined && TLS_CODE.test(code)) return `TLS: ${message}`;
  if (causeCode !== undefined && TLS_CODE.test(causeCode) && cause instanceof Error)
    return `TLS: ${cause.message}`;
  if (code === 'UND_ERR_SOCKET' && causeCode !== undefined && MESSAGES[causeCode] !== undefined)
    return MESSAGES[causeCode];
  if (code !== undefined && MESSAGES[code] !== undefined) return MESSAGES[code];
  return code === undefined ? message : `${code}: ${message}`;
}
