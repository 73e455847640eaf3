import { createHash } from 'node:crypto';
import { type ApiKeyRecord, bearerToken, hashApiKey, selectTenant } from './authenticator';
import { checkAdminToken } from './auth.guards';
import { DomainError, type ErrorCode } from './errors';

function codeOf(run: () => unknown): ErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('bearerToken', () => {
  it('reads the token whatever the case of the scheme', () => {
    expect(bearerToken('Bearer hs_live_abc')).toBe('hs_live_abc');
    expect(bearerToken('bearer  hs_live_abc ')).toBe('hs_live_abc');
  });

  it.each([undefined, '', 'hs_live_abc', 'Basic dXNlcjpwYXNz', 'Bearer ', 'Bearer a b'])(
    'refuses %p as unauthorized',
    (header) => {
      expect(codeOf(() => bearerToken(header))).toBe('unauthorized');
    },
  );
});

describe('hashApiKey', () => {
  it('is the sha256 hex of the key', () => {
    expect(hashApiKey('hs_live_x')).toBe(createHash('sha256').update('hs_live_x').digest('hex'));
  });
});

describe('selectTenant', () => {
  const key: ApiKeyRecord = {
    id: 'key_1',
    defaultOrganizationId: 'org_a',
    organizationIds: ['org_a', 'org_b'],
  };

  it("uses the key's default organization without a header", () => {
    expect(selectTenant(key, undefined)).toEqual({ organizationId: 'org_a', apiKeyId: 'key_1' });
    expect(selectTenant(key, ' ')).toEqual({ organizationId: 'org_a', apiKeyId: 'key_1' });
  });

  it('switches to another organization of the key', () => {
    expect(selectTenant(key, 'org_b')).toEqual({ organizationId: 'org_b', apiKeyId: 'key_1' });
  });

  it('forbids an organization the key does not belong to', () => {
    expect(codeOf(() => selectTenant(key, 'org_c'))).toBe('forbidden');
  });
});

describe('checkAdminToken', () => {
  it('accepts the configured token only', () => {
    expect(() => checkAdminToken('s3cret', 'Bearer s3cret')).not.toThrow();
    expect(codeOf(() => checkAdminToken('s3cret', 'Bearer s3cret2'))).toBe('unauthorized');
    expect(codeOf(() => checkAdminToken('s3cret', 'Bearer s3cre'))).toBe('unauthorized');
    expect(codeOf(() => checkAdminToken('s3cret', undefined))).toBe('unauthorized');
  });

  it('refuses everyone when no token is configured', () => {
    expect(codeOf(() => checkAdminToken(null, 'Bearer '))).toBe('forbidden');
    expect(codeOf(() => checkAdminToken('', 'Bearer x'))).toBe('forbidden');
  });
});
