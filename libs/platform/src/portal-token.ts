import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Parser } from './config';
import { unauthorized } from './errors';

/** Every portal token names this audience, so no other JWT signed with the same key is taken for one. */
export const PORTAL_AUDIENCE = 'hookstream-portal';
export const PORTAL_ISSUER = 'hookstream';
export const PORTAL_PERMISSIONS = ['read', 'manage'] as const;
export type PortalPermission = (typeof PORTAL_PERMISSIONS)[number];

export const PORTAL_DEFAULT_TTL_SECONDS = 3600;
export const PORTAL_MAX_TTL_SECONDS = 24 * 3600;
/** Below this the key is guessable offline from one token (HS256 needs at least 256 bits). */
export const PORTAL_MIN_KEY_BYTES = 32;

export interface PortalTheme {
  title?: string;
  logoUrl?: string;
  primaryColor?: string;
}

/** What a portal token grants: one organization, the subscriptions matching `filter`, read or manage. */
export interface PortalGrant {
  sessionId: string;
  organizationId: string;
  permissions: PortalPermission;
  /** Metadata key/values every visible subscription carries; empty: all of the organization's. */
  filter: Record<string, string>;
  theme: PortalTheme;
  expiresAt: Date;
}

/** PORTAL_SIGNING_KEY: unset disables portal sessions; rotating it revokes every link handed out. */
export function portalSigningKey(): Parser<Uint8Array | null> {
  return {
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: null };
      const bytes = Buffer.from(raw.trim(), 'utf8');
      if (bytes.length < PORTAL_MIN_KEY_BYTES)
        return { ok: false, problem: `must be at least ${PORTAL_MIN_KEY_BYTES} bytes` };
      return { ok: true, value: new Uint8Array(bytes) };
    },
  };
}

/** A JWS has three base64url parts; API keys have none of these dots. */
export function looksLikePortalToken(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export async function signPortalToken(
  key: Uint8Array,
  grant: Omit<PortalGrant, 'sessionId' | 'expiresAt'>,
  ttlSeconds: number,
  now: Date,
): Promise<{ token: string; grant: PortalGrant }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
  const sessionId = `ps_${randomUUID().replaceAll('-', '')}`;
  const token = await new SignJWT({ prm: grant.permissions, flt: grant.filter, thm: grant.theme })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(PORTAL_ISSUER)
    .setAudience(PORTAL_AUDIENCE)
    .setSubject(grant.organizationId)
    .setJti(sessionId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key);
  return { token, grant: { ...grant, sessionId, expiresAt } };
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

/** The grant of a valid token; 401 with the reason for an expired, tampered or foreign one. */
export async function verifyPortalToken(key: Uint8Array, token: string, now: Date): Promise<PortalGrant> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience: PORTAL_AUDIENCE,
      issuer: PORTAL_ISSUER,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized('this portal link has expired');
    if (error instanceof errors.JWTClaimValidationFailed)
      throw unauthorized(`invalid portal token: ${error.claim} claim check failed`);
    throw unauthorized('invalid portal token');
  }
  const { prm, flt, thm, sub, jti, exp } = payload;
  if (
    !PORTAL_PERMISSIONS.includes(prm as PortalPermission) ||
    !isStringRecord(flt) ||
    typeof thm !== 'object' ||
    thm === null
  )
    throw unauthorized('invalid portal token');
  return {
    sessionId: jti!,
    organizationId: sub!,
    permissions: prm as PortalPermission,
    filter: flt,
    theme: thm,
    expiresAt: new Date(exp! * 1000),
  };
}
