import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { generateSigningKeyPair, publicKeyOf, PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX } from './ed25519';
import { signedHeaders } from './profiles';
import { generateSecret } from './secrets';
import { standardSignature } from './signing';

/**
 * A receiver's verification written from the spec with node:crypto alone: the public key loaded
 * as a JWK (not through our DER helpers), each `v1a` entry of the header tried in turn.
 */
function receiverVerifies(publicKey: string, headers: Record<string, string>, body: string): boolean {
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  const content = Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && verify(null, content, key, Buffer.from(signature ?? '', 'base64'));
  });
}

const nowSeconds = Math.floor(Date.now() / 1000);
const lowerCase = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

function standardHeaders(secrets: string[], body: string): Record<string, string> {
  return lowerCase(
    signedHeaders({
      profile: 'standard',
      secrets,
      dispatchId: 'dsp_1',
      subscriptionId: 'wh_1',
      timestampSeconds: nowSeconds,
      body,
    }),
  );
}

describe('ed25519 signatures (Standard Webhooks v1a)', () => {
  it('generates whsk_/whpk_ keys of 32 bytes each, the public one derivable from the secret', () => {
    const pair = generateSigningKeyPair();
    expect(pair.secretKey.startsWith(SECRET_KEY_PREFIX)).toBe(true);
    expect(pair.publicKey.startsWith(PUBLIC_KEY_PREFIX)).toBe(true);
    expect(Buffer.from(pair.secretKey.slice(5), 'base64')).toHaveLength(32);
    expect(Buffer.from(pair.publicKey.slice(5), 'base64')).toHaveLength(32);
    expect(publicKeyOf(pair.secretKey)).toBe(pair.publicKey);
  });

  it('reproduces the asymmetric test vector of the Standard Webhooks reference libraries', () => {
    const signature = standardSignature(
      ['whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk='],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe(
      'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==',
    );
  });

  it('node:crypto verifies any body with the public key, and refuses an altered one', () => {
    const pair = generateSigningKeyPair();
    fc.assert(
      fc.property(fc.string(), (body) => {
        const headers = standardHeaders([pair.secretKey], body);
        expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
        expect(receiverVerifies(pair.publicKey, headers, body)).toBe(true);
        expect(receiverVerifies(pair.publicKey, headers, `${body} `)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('during a rotation both keys sign: the old and the new public key verify, another does not', () => {
    const [current, previous, stranger] = [1, 2, 3].map(() => generateSigningKeyPair());
    const body = '{"type":"workflow.completed","data":{}}';
    const headers = standardHeaders([current!.secretKey, previous!.secretKey], body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(receiverVerifies(current!.publicKey, headers, body)).toBe(true);
    expect(receiverVerifies(previous!.publicKey, headers, body)).toBe(true);
    expect(receiverVerifies(stranger!.publicKey, headers, body)).toBe(false);
  });

  it('sends no X-Webhook-Signature without a shared secret (it is an HMAC)', () => {
    const headers = standardHeaders([generateSigningKeyPair().secretKey], '{}');
    expect(headers['x-webhook-signature']).toBeUndefined();
  });

  it('switching from a shared secret keeps both during the grace: v1 verifies with standardwebhooks, v1a with the key', () => {
    const pair = generateSigningKeyPair();
    const secret = generateSecret();
    const body = '{"a":1}';
    const headers = standardHeaders([pair.secretKey, secret], body);
    expect(receiverVerifies(pair.publicKey, headers, body)).toBe(true);
    // standardwebhooks 1.x verifies v1 only and skips the v1a entry beside it.
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(headers['x-webhook-signature']).toBeDefined();
  });
});

// The receiver code of docs/signatures.md, run as users copy it.
const DOCS = join(__dirname, '..', '..', '..', 'docs');
interface VerifySnippet {
  verifyDelivery(profile: string, key: string, headers: Record<string, string>, body: string): boolean;
  verifyEd25519Webhook(publicKey: string, headers: Record<string, string>, body: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const snippet = require(join(DOCS, 'snippets', 'verify.js')) as VerifySnippet;

describe('docs/snippets/verify.js with ed25519', () => {
  it('verifyDelivery takes the whpk_ public key: old and new keys during a rotation, not another', () => {
    const [current, previous, stranger] = [1, 2, 3].map(() => generateSigningKeyPair());
    const body = '{"type":"workflow.completed","data":{}}';
    const headers = standardHeaders([current!.secretKey, previous!.secretKey], body);
    expect(snippet.verifyDelivery('standard', current!.publicKey, headers, body)).toBe(true);
    expect(snippet.verifyDelivery('standard', previous!.publicKey, headers, body)).toBe(true);
    expect(snippet.verifyDelivery('standard', stranger!.publicKey, headers, body)).toBe(false);
    expect(snippet.verifyEd25519Webhook(current!.publicKey, headers, `${body} `)).toBe(false);
  });
});

function hasPythonCryptography(): boolean {
  try {
    execFileSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Runs where python3 has the cryptography package (the snippet's one dependency).
(hasPythonCryptography() ? describe : describe.skip)(
  'the Python ed25519 snippet of docs/signatures.md',
  () => {
    it('verify_ed25519_webhook accepts either key during a rotation and refuses another', () => {
      const markdown = readFileSync(join(DOCS, 'signatures.md'), 'utf8');
      const block = [...markdown.matchAll(/```python\n([\s\S]*?)```/g)]
        .map((match) => match[1]!)
        .find((code) => code.includes('def verify_ed25519_webhook'));
      expect(block).toBeDefined();
      const [current, previous, stranger] = [1, 2, 3].map(() => generateSigningKeyPair());
      const body = '{"a":1}';
      const headers = standardHeaders([current!.secretKey, previous!.secretKey], body);
      const cases = [current, previous, stranger].map((pair) => ({ key: pair!.publicKey, headers, body }));
      const driver = `
import json, sys
cases = json.load(sys.stdin)
print(json.dumps([verify_ed25519_webhook(c["key"], c["headers"], c["body"].encode()) for c in cases]))
`;
      const output = execFileSync('python3', ['-c', block! + driver], {
        input: JSON.stringify(cases),
        encoding: 'utf8',
      });
      expect(JSON.parse(output)).toEqual([true, true, false]);
    });
  },
);
