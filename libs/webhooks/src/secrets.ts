import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Standard Webhooks secret prefix: what follows is the base64 of the raw key. */
export const SECRET_PREFIX = 'whsec_';
const GENERATED_KEY_BYTES = 32;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
/** Receivers such as ELAN accept free-form secrets up to 255 characters; eight keeps out trivially guessable ones. */
const MIN_PLAIN_LENGTH = 8;
const MAX_PLAIN_LENGTH = 255;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function decodeBase64Strict(text: string): Buffer | undefined {
  return text.length > 0 && STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(GENERATED_KEY_BYTES).toString('base64')}`;
}

/** null when a caller-supplied secret is usable, otherwise why not. */
export function validateSecret(secret: string): string | null {
  if (secret.startsWith(SECRET_PREFIX)) {
    const key = decodeBase64Strict(secret.slice(SECRET_PREFIX.length));
    if (!key || key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES)
      return `a ${SECRET_PREFIX} secret must be followed by the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`;
    return null;
  }
  if (secret.length < MIN_PLAIN_LENGTH || secret.length > MAX_PLAIN_LENGTH)
    return `secret must be ${MIN_PLAIN_LENGTH} to ${MAX_PLAIN_LENGTH} characters`;
  if (!VISIBLE_ASCII.test(secret)) return 'secret must be printable ASCII without spaces';
  return null;
}

/**
 * The HMAC key of a secret, as Standard Webhooks defines it: the decoded bytes of a `whsec_`
 * secret, otherwise the secret's UTF-8 bytes.
 */
export function secretKeyBytes(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    if (secret.length === 0) throw new Error('secret must not be empty');
    return Buffer.from(secret, 'utf8');
  }
  const key = decodeBase64Strict(secret.slice(SECRET_PREFIX.length));
  if (!key) throw new Error(`secret after "${SECRET_PREFIX}" is not valid base64`);
  return key;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function requireKey(key: Buffer): void {
  if (key.length !== KEY_BYTES)
    throw new Error(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

/** AES-256-GCM with a fresh random IV; returns base64 of iv(12) | tag(16) | ciphertext. */
export function encryptSecret(plain: string, key: Buffer): string {
  requireKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** Throws when the key is wrong or the data was altered (GCM authenticates both). */
export function decryptSecret(encrypted: string, key: Buffer): string {
  requireKey(key);
  const raw = decodeBase64Strict(encrypted);
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted secret is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new Error('encrypted secret could not be decrypted: wrong key or altered data');
  }
}

/** Reads SECRETS_KEY: 32 bytes written as 64 hex characters or as base64. */
export function parseSecretsKey(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = decodeBase64Strict(text);
  if (decoded?.length === KEY_BYTES) return decoded;
  throw new Error(`SECRETS_KEY must be ${KEY_BYTES} bytes written as 64 hex characters or as base64`);
}
