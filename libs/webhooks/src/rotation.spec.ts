import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '@hookstream/contracts';
import { Webhook } from 'standardwebhooks';
import { signedHeaders } from './profiles';
import { generateSecret } from './secrets';

// The receiver code docs/signatures.md shows, run as users copy it, against the headers an
// attempt carries while a secret rotates (the dispatcher passes every live secret, newest first).
const DOCS = join(__dirname, '..', '..', '..', 'docs');
interface VerifySnippet {
  verifyDelivery(profile: string, secret: string, headers: Headers, body: string, nowMs?: number): boolean;
  verifyBodySignature(secret: string, headers: Headers, body: string): boolean;
  verifyKaizenSignature(secret: string, headers: Headers, body: string, nowMs?: number): boolean;
}
type Headers = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const snippet = require(join(DOCS, 'snippets', 'verify.js')) as VerifySnippet;

const PROFILES: Profile[] = ['standard', 'kaizen', 'maxun', 'elan', 'apify'];
const [current, previous, stranger] = [generateSecret(), generateSecret(), generateSecret()];
const body = '{"type":"workflow.completed","timestamp":"2026-12-02T10:00:00.000Z","data":{}}';
const nowSeconds = Math.floor(Date.now() / 1000);

/** Node's req.headers: lower-case names. */
function rotationHeaders(profile: Profile, secrets: string[] = [current, previous]): Headers {
  const headers = signedHeaders({
    profile,
    secrets,
    dispatchId: 'dsp_rotation',
    subscriptionId: 'wh_1',
    timestampSeconds: nowSeconds,
    body,
  });
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

describe('docs/snippets/verify.js during a secret rotation', () => {
  it.each(PROFILES)('%s: verifyDelivery accepts the old and the new secret, refuses another', (profile) => {
    const headers = rotationHeaders(profile);
    expect(snippet.verifyDelivery(profile, previous, headers, body)).toBe(true);
    expect(snippet.verifyDelivery(profile, current, headers, body)).toBe(true);
    expect(snippet.verifyDelivery(profile, stranger, headers, body)).toBe(false);
    expect(snippet.verifyDelivery(profile, previous, headers, body.replace('{}', '{"x":1}'))).toBe(false);
  });

  it('the old secret stops verifying once the grace is over and only the new one signs', () => {
    const headers = rotationHeaders('standard', [current]);
    expect(snippet.verifyDelivery('standard', previous, headers, body)).toBe(false);
    expect(snippet.verifyDelivery('standard', current, headers, body)).toBe(true);
  });

  it('the single-value headers keep one value, signed with the newest secret (documented)', () => {
    const elan = rotationHeaders('elan');
    expect(elan['x-webhook-signature']).not.toContain(' ');
    expect(snippet.verifyBodySignature(current, elan, body)).toBe(true);
    expect(snippet.verifyBodySignature(previous, elan, body)).toBe(false);
    const kaizen = rotationHeaders('kaizen');
    expect(snippet.verifyKaizenSignature(current, kaizen, body)).toBe(true);
    expect(snippet.verifyKaizenSignature(previous, kaizen, body)).toBe(false);
  });

  it('agrees with the standardwebhooks library under both secrets', () => {
    for (const profile of PROFILES)
      for (const secret of [current, previous])
        expect(() => new Webhook(secret).verify(body, rotationHeaders(profile))).not.toThrow();
  });
});

/** The Python block of docs/signatures.md, as a user would paste it. */
function pythonSnippet(): string {
  const markdown = readFileSync(join(DOCS, 'signatures.md'), 'utf8');
  const block = /```python\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (block === undefined) throw new Error('docs/signatures.md has no python block');
  return block;
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Runs where python3 is installed (developer machines and CI images carry it).
(hasPython() ? describe : describe.skip)('the Python snippet of docs/signatures.md during a rotation', () => {
  const driver = `
import json, sys
cases = json.load(sys.stdin)
print(json.dumps([verify_standard_webhook(c["secret"], c["headers"], c["body"].encode()) for c in cases]))
`;
  it('verify_standard_webhook accepts the old and the new secret for every profile, refuses another', () => {
    const cases = PROFILES.flatMap((profile) =>
      [previous, current, stranger].map((secret) => ({ secret, headers: rotationHeaders(profile), body })),
    );
    const output = execFileSync('python3', ['-c', pythonSnippet() + driver], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual(PROFILES.flatMap(() => [true, true, false]));
  });
});
