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
  ciphertext: string,
  now: Date,
  graceMs: number,
): EncryptedSecret[] {
  const expiresAt = new Date(now.getTime() + graceMs).toISOString();
  const previous = liveSecrets(secrets, now).map((secret) =>
    secret.expiresAt === null ? { ciphertext: secret.ciphertext, expiresAt } : secret,
  );
  return [{ ciphertext, expiresAt: null }, ...previous];
}

/** A secret set explicitly (PATCH): it replaces every other one at once, without grace. */
export function replaceSecrets(ciphertext: string): EncryptedSecret[] {
  return [{ ciphertext, expiresAt: null }];
}
