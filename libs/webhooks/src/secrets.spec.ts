import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  decryptSecret,
  encryptSecret,
  generateSecret,
  parseSecretsKey,
  secretKeyBytes,
  validateSecret,
} from './secrets';

describe('generateSecret', () => {
  it('is whsec_ followed by the base64 of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKeyBytes(secret)).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
    expect(validateSecret(secret)).toBeNull();
  });
});

describe('validateSecret', () => {
  it.each([
    `whsec_${randomBytes(24).toString('base64')}`,
    `whsec_${randomBytes(64).toString('base64')}`,
    'my-elan-secret',
    'x'.repeat(255),
  ])('accepts %s', (secret) => expect(validateSecret(secret)).toBeNull());

  it.each([
    [`whsec_${randomBytes(23).toString('base64')}`, '24 to 64 bytes'],
    [`whsec_${randomBytes(65).toString('base64')}`, '24 to 64 bytes'],
    ['whsec_!!!!', '24 to 64 bytes'],
    ['whsec_' + 'ab-_'.repeat(8), '24 to 64 bytes'],
    [`whsec_${randomBytes(32).toString('base64')}x`, '24 to 64 bytes'],
    ['short', '8 to 255'],
    ['x'.repeat(256), '8 to 255'],
    ['with spaces inside', 'printable ASCII'],
    ['trailing-newline\n', 'printable ASCII'],
    ['clé-secrète', 'printable ASCII'],
  ])('refuses %j', (secret, message) => expect(validateSecret(secret)).toContain(message));
});

describe('secretKeyBytes', () => {
  it('decodes the base64 after whsec_', () => {
    const key = randomBytes(32);
    expect(secretKeyBytes(`whsec_${key.toString('base64')}`).equals(key)).toBe(true);
  });

  it('uses the UTF-8 bytes of any other secret', () => {
    expect(secretKeyBytes('clé').equals(Buffer.from([0x63, 0x6c, 0xc3, 0xa9]))).toBe(true);
  });

  it('refuses an empty secret and a whsec_ secret that is not base64', () => {
    expect(() => secretKeyBytes('')).toThrow('empty');
    expect(() => secretKeyBytes('whsec_')).toThrow('not valid base64');
    expect(() => secretKeyBytes('whsec_abc$')).toThrow('not valid base64');
  });
});

describe('encryptSecret / decryptSecret', () => {
  const key = randomBytes(32);

  it('round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (plain) => {
        expect(decryptSecret(encryptSecret(plain, key), key)).toBe(plain);
      }),
      { numRuns: 200 },
    );
  });

  it('lays out iv(12) | tag(16) | ciphertext and never reuses an IV', () => {
    const plain = generateSecret();
    const first = Buffer.from(encryptSecret(plain, key), 'base64');
    const second = Buffer.from(encryptSecret(plain, key), 'base64');
    expect(first).toHaveLength(12 + 16 + Buffer.byteLength(plain));
    expect(first.subarray(0, 12).equals(second.subarray(0, 12))).toBe(false);
    expect(first.toString('base64')).not.toContain(plain.slice(6));
  });

  it.each([
    ['iv', 0],
    ['tag', 12],
    ['ciphertext', 28],
  ])('detects an altered %s', (_part, offset) => {
    const raw = Buffer.from(encryptSecret('whsec_c2VjcmV0', key), 'base64');
    raw[offset] = raw[offset]! ^ 0x01;
    expect(() => decryptSecret(raw.toString('base64'), key)).toThrow('wrong key or altered data');
  });

  it('refuses the wrong key, a key of the wrong size and truncated data', () => {
    const encrypted = encryptSecret('whsec_c2VjcmV0', key);
    expect(() => decryptSecret(encrypted, randomBytes(32))).toThrow('wrong key or altered data');
    expect(() => encryptSecret('x', randomBytes(16))).toThrow('32 bytes');
    expect(() => decryptSecret(randomBytes(20).toString('base64'), key)).toThrow('malformed');
  });
});

describe('parseSecretsKey', () => {
  const key = randomBytes(32);

  it('accepts 64 hex characters and base64 of 32 bytes', () => {
    expect(parseSecretsKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretsKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
    expect(parseSecretsKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseSecretsKey(` ${key.toString('base64')}\n`).equals(key)).toBe(true);
  });

  it.each([
    ['63 hex characters', key.toString('hex').slice(1)],
    ['base64 of 31 bytes', randomBytes(31).toString('base64')],
    ['base64 of 48 bytes', randomBytes(48).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
    ['nothing', ''],
  ])('refuses %s with a message naming the variable', (_what, value) => {
    expect(() => parseSecretsKey(value)).toThrow('SECRETS_KEY must be 32 bytes');
  });
});
