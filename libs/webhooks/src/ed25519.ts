import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Standard Webhooks asymmetric keys: `whsk_` + base64 of the 32-byte ed25519 seed (the secret
 * key, kept by Hookstream only) and `whpk_` + base64 of the 32-byte public key (given to
 * receivers). Signatures are `v1a,<base64 of the 64-byte ed25519 signature>`.
 */
export const SECRET_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

export interface SigningKeyPair {
  secretKey: string;
  publicKey: string;
}

// DER wrappers of a raw ed25519 key (RFC 8410): PKCS#8 for the seed, SPKI for the public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_BYTES = 32;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isSecretKey(value: string): boolean {
  return value.startsWith(SECRET_KEY_PREFIX);
}

function rawKey(value: string, prefix: string): Buffer {
  const text = value.slice(prefix.length);
  const raw = STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!value.startsWith(prefix) || raw?.length !== KEY_BYTES)
    throw new Error(`a ${prefix} key must be followed by the base64 of ${KEY_BYTES} bytes`);
  return raw;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  return {
    secretKey: `${SECRET_KEY_PREFIX}${seed.toString('base64')}`,
    publicKey: `${PUBLIC_KEY_PREFIX}${raw.toString('base64')}`,
  };
}

export function privateKeyOf(secretKey: string): KeyObject {
  const seed = rawKey(secretKey, SECRET_KEY_PREFIX);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The node:crypto public key of a `whpk_` key, as receivers load it. */
export function publicKeyObject(publicKey: string): KeyObject {
  const raw = rawKey(publicKey, PUBLIC_KEY_PREFIX);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function publicKeyOf(secretKey: string): string {
  const raw = createPublicKey(privateKeyOf(secretKey))
    .export({ format: 'der', type: 'spki' })
    .subarray(SPKI_PREFIX.length);
  return `${PUBLIC_KEY_PREFIX}${raw.toString('base64')}`;
}

// Parsing a key costs more than signing with it; the keys of every live subscription are few
// enough to keep, and the bound keeps a churn of rotations from growing the map without end.
const MAX_CACHED_KEYS = 10_000;
const keys = new Map<string, KeyObject>();

/** Base64 of the ed25519 signature of `content` (the `v1a` value). */
export function ed25519Signature(secretKey: string, content: string): string {
  let key = keys.get(secretKey);
  if (key === undefined) {
    key = privateKeyOf(secretKey);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secretKey, key);
  }
  return sign(null, Buffer.from(content, 'utf8'), key).toString('base64');
}
