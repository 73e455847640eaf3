'use strict';
/**
 * Verifying Hookstream deliveries in a Node.js receiver, with node:crypto only.
 *
 *   const { verifyDelivery } = require('./verify');
 *   verifyDelivery(profile, secret, req.headers, rawBody)  // true or false
 *
 * `headers` is Node's `req.headers` (lower-case names); `rawBody` is the body exactly as
 * received, as a string: verify before parsing, since re-serialized JSON may differ by a byte.
 * With `signature: "ed25519"`, pass the subscription's `publicKey` (`whpk_...`) as `secret`.
 * Run this file (`WEBHOOK_SECRET=whsec_... node verify.js`) for a receiver on port 3000.
 */
const { createHmac, createPublicKey, timingSafeEqual, verify } = require('node:crypto');
const { createServer } = require('node:http');

/** Older timestamps are refused, so that a captured request cannot be replayed later. */
const TOLERANCE_SECONDS = 5 * 60;

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

function freshTimestamp(timestamp, nowMs) {
  const seconds = Number(timestamp);
  return Number.isInteger(seconds) && Math.abs(nowMs / 1000 - seconds) <= TOLERANCE_SECONDS;
}

/**
 * Standard Webhooks, sent by every profile: `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">` entries (two while a
 * secret rotates). The key is the base64-decoded part of a `whsec_` secret.
 */
function verifyStandardWebhook(secret, headers, body, nowMs = Date.now()) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !freshTimestamp(timestamp, nowMs)) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1' && signature !== undefined && safeEqual(signature, expected);
  });
}

/**
 * Standard Webhooks asymmetric signatures (`signature: "ed25519"`): `webhook-signature` holds
 * `v1a,<base64 ed25519 signature of "{webhook-id}.{webhook-timestamp}.{body}">` entries (two
 * while the key pair rotates), verified with the `whpk_` public key: no secret on the receiver.
 */
function verifyEd25519Webhook(publicKey, headers, body, nowMs = Date.now()) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !freshTimestamp(timestamp, nowMs)) return false;
  if (!publicKey.startsWith('whpk_')) return false;
  const x = Buffer.from(publicKey.slice(5), 'base64').toString('base64url');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const content = Buffer.from(`${id}.${timestamp}.${body}`);
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return (
      version === 'v1a' &&
      signature !== undefined &&
      verify(null, content, key, Buffer.from(signature, 'base64'))
    );
  });
}

/**
 * `standard` and `elan` profiles: `X-Webhook-Signature` is the hex HMAC-SHA256 of the body,
 * keyed with the secret exactly as written (whsec_ prefix included). It carries no timestamp.
 */
function verifyBodySignature(secret, headers, body) {
  const signature = headers['x-webhook-signature'];
  if (!signature) return false;
  return safeEqual(signature, createHmac('sha256', secret).update(body).digest('hex'));
}

/**
 * `kaizen` profile: `X-Webhooks-Signature: v1=<hex HMAC-SHA256 of "{id}.{timestamp}.{body}">`
 * with `X-Webhooks-Id` and `X-Webhooks-Timestamp`, keyed with the secret as written.
 */
function verifyKaizenSignature(secret, headers, body, nowMs = Date.now()) {
  const id = headers['x-webhooks-id'];
  const timestamp = headers['x-webhooks-timestamp'];
  const signature = headers['x-webhooks-signature'];
  if (!id || !timestamp || !signature || !freshTimestamp(timestamp, nowMs)) return false;
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('hex');
  return safeEqual(signature, `v1=${expected}`);
}

/**
 * Verifies a delivery of any profile by its `webhook-signature`: every profile sends it, it covers
 * id, timestamp and body, and while a secret rotates it carries one signature per valid secret, so
 * a receiver holding the old secret or the new one verifies throughout the grace period. The
 * profiles' own single-value headers (`X-Webhook-Signature`, `X-Webhooks-Signature`) are signed
 * with the newest secret only, for receivers written for ELAN or Kaizen that compare the whole
 * header; they sign no more than `webhook-signature`, so nothing is lost by not requiring them.
 * `profile` is accepted so that callers need not change when a profile gains its own check.
 * A `whpk_` public key in place of the secret verifies the ed25519 (`v1a`) signatures.
 */
function verifyDelivery(profile, secret, headers, body, nowMs = Date.now()) {
  if (secret.startsWith('whpk_')) return verifyEd25519Webhook(secret, headers, body, nowMs);
  return verifyStandardWebhook(secret, headers, body, nowMs);
}

/** A receiver: reads the raw body, verifies, then parses. Answer 2xx quickly; work afterwards. */
function createReceiver({ profile, secret, onEvent }) {
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyDelivery(profile, secret, req.headers, body)) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(204).end();
      // webhook-id is the same on every attempt of a delivery: use it to skip duplicates.
      onEvent(JSON.parse(body), req.headers['webhook-id']);
    });
  });
}

module.exports = {
  verifyStandardWebhook,
  verifyEd25519Webhook,
  verifyBodySignature,
  verifyKaizenSignature,
  verifyDelivery,
  createReceiver,
};

if (require.main === module) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) throw new Error('set WEBHOOK_SECRET to the subscription secret (or its whpk_ public key)');
  createReceiver({
    profile: process.env.WEBHOOK_PROFILE || 'standard',
    secret,
    onEvent: (event, id) => console.log(id, JSON.stringify(event)),
  }).listen(Number(process.env.PORT || 3000));
}
