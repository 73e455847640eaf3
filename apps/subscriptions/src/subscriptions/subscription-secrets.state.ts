import type { EncryptedSecret } from '@hookstream/contracts';

/** Secrets still valid at `now`: the current one and rotated-out ones within their grace period. */
export function liveSecrets(secrets: readonly EncryptedSecret[], now: Date): EncryptedSecret[] {
  return secrets.filter(
    (secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now.getTime(),
  );
}

/**
 * A rotation: the new secret becomes current (first, as signers expect the newest first) and the
 * previous current one keeps signing until now + grace, so receivers can switch without a gap.
 * Secrets whose grace is over are dropped; earlier rotated-out ones keep their own expiry.
 */
export function rotateSecrets(
  secrets: readonly EncryptedSecret[],
  next: string | NewSecret,
  now: Date,
  graceMs: number,
): EncryptedSecret[] {
  const expiresAt = new Date(now.getTime() + graceMs).toISOString();
  const previous = liveSecrets(secrets, now).map((secret) =>
    secret.expiresAt === null ? { ...secret, expiresAt } : secret,
  );
  return [current(next), ...previous];
}

/** A new current secret: its ciphertext, and the public key when it is an ed25519 secret key. */
export interface NewSecret {
  ciphertext: string;
  publicKey?: string;
}

function current(next: string | NewSecret): EncryptedSecret {
  const secret = typeof next === 'string' ? { ciphertext: next } : next;
  return { ...secret, expiresAt: null };
}

/** A secret set explicitly (PATCH): it replaces every other one at once, without grace. */
export function replaceSecrets(next: string | NewSecret): EncryptedSecret[] {
  return [current(next)];
}

/** The public key receivers verify `v1a` with: the current secret's; null for HMAC signing. */
export function currentPublicKey(secrets: readonly EncryptedSecret[]): string | null {
  return secrets.find((secret) => secret.expiresAt === null)?.publicKey ?? null;
}
