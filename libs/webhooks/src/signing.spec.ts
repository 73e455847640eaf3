import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from './secrets';
import { hexBodySignature, kaizenSignature, standardSignature } from './signing';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function standardHeaders(secrets: string[], id: string, ts: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': standardSignature(secrets, id, ts, body),
  };
}

/** The reference library's verifier; it checks the timestamp against the real clock, hence `nowSeconds`. */
function verifies(verifier: Webhook, body: string, headers: Record<string, string>): boolean {
  try {
    verifier.verify(body, headers, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

describe('standardSignature', () => {
  it('reproduces the Standard Webhooks published test vector', () => {
    const signature = standardSignature(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies with the standardwebhooks library for any body', () => {
    const secret = generateSecret();
    const verifier = new Webhook(secret);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (body) => {
        const headers = standardHeaders([secret], 'dsp_abc', nowSeconds(), body);
        expect(verifies(verifier, body, headers)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('verifies for both the new and the old secret during a rotation, and not for another', () => {
    const [newest, previous, stranger] = [generateSecret(), generateSecret(), generateSecret()];
    const body = '{"type":"workflow.completed"}';
    const headers = standardHeaders([newest, previous], 'dsp_rot', nowSeconds(), body);

    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifies(new Webhook(newest), body, headers)).toBe(true);
    expect(verifies(new Webhook(previous), body, headers)).toBe(true);
    expect(verifies(new Webhook(stranger), body, headers)).toBe(false);
  });

  it('keys a secret without the whsec_ prefix with its UTF-8 bytes', () => {
    const secret = 'mon-secret-élan-42';
    const body = '{"event_type":"workflow.failed"}';
    const headers = standardHeaders([secret], 'dsp_plain', nowSeconds(), body);
    expect(verifies(new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }), body, headers)).toBe(true);
  });

  it('fails verification when the body, id or timestamp differs from what was signed', () => {
    const secret = generateSecret();
    const verifier = new Webhook(secret);
    const ts = nowSeconds();
    const headers = standardHeaders([secret], 'dsp_1', ts, '{"a":1}');
    expect(verifies(verifier, '{"a":2}', headers)).toBe(false);
    expect(verifies(verifier, '{"a":1}', { ...headers, 'webhook-id': 'dsp_2' })).toBe(false);
    expect(verifies(verifier, '{"a":1}', { ...headers, 'webhook-timestamp': String(ts - 1) })).toBe(false);
  });

  it('refuses to sign without a secret or with a fractional timestamp', () => {
    expect(() => standardSignature([], 'dsp_1', 1700000000, '{}')).toThrow('at least one signing secret');
    expect(() => standardSignature([generateSecret()], 'dsp_1', 1700000000.5, '{}')).toThrow('whole seconds');
  });

  it('refuses a whsec_ secret whose key is not base64', () => {
    expect(() => standardSignature(['whsec_not base64!'], 'dsp_1', 1700000000, '{}')).toThrow(
      'not valid base64',
    );
  });
});

describe('hexBodySignature', () => {
  it('is the lowercase hex HMAC-SHA256 of the body (RFC 4231 test case 2)', () => {
    expect(hexBodySignature('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('keys with the whole secret string, prefix included, as receivers do', () => {
    expect(hexBodySignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{"test": 2432232314}')).toBe(
      '80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c',
    );
  });
});

describe('kaizenSignature', () => {
  it('is v1= and the hex HMAC-SHA256 of "{id}.{timestamp}.{body}"', () => {
    expect(
      kaizenSignature('kaizen-secret-1', 'msg_1', 1700000000, '{"type":"execution.complete","data":{}}'),
    ).toBe('v1=e9027fd8a8d4cca33ef6fc1b78dba5ac696c3e72ac205b1f0bce89ecd74b3c9f');
  });
});
