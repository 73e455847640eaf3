import { currentPublicKey, liveSecrets, replaceSecrets, rotateSecrets } from './subscription-secrets.state';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('secret rotation state', () => {
  it('puts the new secret first and lets the previous one sign for the grace period', () => {
    const now = at('2026-11-23T10:00:00.000Z');
    const rotated = rotateSecrets([{ ciphertext: 'old', expiresAt: null }], 'new', now, 24 * HOUR);
    expect(rotated).toEqual([
      { ciphertext: 'new', expiresAt: null },
      { ciphertext: 'old', expiresAt: '2026-11-24T10:00:00.000Z' },
    ]);
  });

  it('keeps an earlier rotated-out secret with its own expiry, and drops expired ones', () => {
    const secrets = [
      { ciphertext: 'b', expiresAt: null },
      { ciphertext: 'a', expiresAt: '2026-11-23T12:00:00.000Z' },
      { ciphertext: 'gone', expiresAt: '2026-11-23T09:59:59.999Z' },
    ];
    const rotated = rotateSecrets(secrets, 'c', at('2026-11-23T10:00:00.000Z'), HOUR);
    expect(rotated).toEqual([
      { ciphertext: 'c', expiresAt: null },
      { ciphertext: 'b', expiresAt: '2026-11-23T11:00:00.000Z' },
      { ciphertext: 'a', expiresAt: '2026-11-23T12:00:00.000Z' },
    ]);
  });

  it('treats a secret as expired from its expiry instant on', () => {
    const secrets = [{ ciphertext: 'a', expiresAt: '2026-11-23T10:00:00.000Z' }];
    expect(liveSecrets(secrets, at('2026-11-23T09:59:59.999Z'))).toHaveLength(1);
    expect(liveSecrets(secrets, at('2026-11-23T10:00:00.000Z'))).toHaveLength(0);
  });

  it('replaces every secret at once when one is set explicitly', () => {
    expect(replaceSecrets('x')).toEqual([{ ciphertext: 'x', expiresAt: null }]);
  });

  it('an ed25519 rotation keeps each public key beside its secret key, the new one current', () => {
    const now = at('2026-11-23T10:00:00.000Z');
    const old = { ciphertext: 'sk_old', expiresAt: null, publicKey: 'whpk_old' };
    const rotated = rotateSecrets([old], { ciphertext: 'sk_new', publicKey: 'whpk_new' }, now, HOUR);
    expect(rotated).toEqual([
      { ciphertext: 'sk_new', expiresAt: null, publicKey: 'whpk_new' },
      { ciphertext: 'sk_old', expiresAt: '2026-11-23T11:00:00.000Z', publicKey: 'whpk_old' },
    ]);
    expect(currentPublicKey(rotated)).toBe('whpk_new');
    expect(currentPublicKey([{ ciphertext: 'hmac', expiresAt: null }])).toBeNull();
  });
});
