import {
  decodeEnvelope,
  DEFAULT_MAX_EVENT_BYTES,
  eventMessage,
  validateEnvelope,
  type EventEnvelope,
} from './envelope';

const envelope: EventEnvelope = {
  id: 'evt_01JD4V8Q6Y2M7N3B5C9X0ZKTRW',
  type: 'workflow.completed',
  organizationId: 'org_acme',
  occurredAt: '2026-11-23T10:00:00.000Z',
  data: { workflow_id: 'wf_1' },
};

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function problemOf(value: unknown) {
  const result = validateEnvelope(value);
  return result.ok ? undefined : result.problem;
}

describe('validateEnvelope', () => {
  it('accepts a complete envelope and keeps the optional fields it has', () => {
    expect(validateEnvelope(envelope)).toEqual({ ok: true, envelope });
    const full = { ...envelope, source: 'workflow-engine', subject: 'run_123' };
    expect(validateEnvelope(full)).toEqual({ ok: true, envelope: full });
    const result = validateEnvelope(envelope);
    expect(result.ok && Object.keys(result.envelope)).not.toContain('source');
  });

  it('refuses anything but an object', () => {
    for (const value of [null, [], 'evt', 42]) {
      expect(problemOf(value)).toEqual({
        code: 'invalid_envelope',
        message: 'the event must be a JSON object',
      });
    }
  });

  it('refuses an unknown field, naming it', () => {
    expect(problemOf({ ...envelope, eventType: 'x' })).toEqual({
      code: 'invalid_envelope',
      message: 'unknown field "eventType"',
    });
    expect(problemOf(JSON.parse('{"__proto__": {}}'))).toMatchObject({
      message: 'unknown field "__proto__"',
    });
  });

  it.each(['', 'evt 1', 'evt/1', 'é', 'x'.repeat(129), 42])('refuses the id %p', (id) => {
    expect(problemOf({ ...envelope, id })).toEqual({
      code: 'invalid_envelope',
      message: 'id must be 1-128 characters of [A-Za-z0-9_.:-]',
    });
  });

  it('accepts ids at the edge of the rule', () => {
    for (const id of ['x'.repeat(128), 'a', 'evt_01:a.b-c'])
      expect(validateEnvelope({ ...envelope, id }).ok).toBe(true);
  });

  it.each([
    ['type', 'workflow.*', 'type must be a valid event type'],
    ['type', 'a..b', 'type must be a valid event type'],
    ['organizationId', 'org.acme', 'organizationId must be 1-64 characters of [A-Za-z0-9_-]'],
    ['organizationId', '', 'organizationId must be 1-64 characters of [A-Za-z0-9_-]'],
    ['occurredAt', '2026-11-23 10:00:00', 'occurredAt must be an ISO 8601 date-time'],
    ['occurredAt', '2026-11-23T10:00:00', 'occurredAt must be an ISO 8601 date-time'],
    ['occurredAt', '2026-13-23T10:00:00Z', 'occurredAt must be an ISO 8601 date-time'],
    ['source', 'x'.repeat(256), 'source must be a string of at most 255 characters'],
    ['subject', 7, 'subject must be a string of at most 255 characters'],
    ['data', [], 'data must be a JSON object'],
    ['data', null, 'data must be a JSON object'],
  ])('refuses %s %p', (field, value, message) => {
    expect(problemOf({ ...envelope, [field]: value })).toEqual({ code: 'invalid_envelope', message });
  });

  it('refuses a missing required field', () => {
    const { data: _data, ...withoutData } = envelope;
    expect(problemOf(withoutData)).toMatchObject({ message: 'data must be a JSON object' });
    const { occurredAt: _at, ...withoutTime } = envelope;
    expect(problemOf(withoutTime)).toMatchObject({ message: 'occurredAt must be an ISO 8601 date-time' });
  });
});

describe('decodeEnvelope', () => {
  it('decodes a message that agrees with its subject', () => {
    expect(
      decodeEnvelope(encode(envelope), { organizationId: 'org_acme', type: 'workflow.completed' }),
    ).toEqual({
      ok: true,
      envelope,
    });
  });

  it('reads only its own bytes of a larger buffer', () => {
    const bytes = encode(envelope);
    const padded = new Uint8Array(bytes.length + 20);
    padded.set(bytes, 10);
    expect(decodeEnvelope(padded.subarray(10, 10 + bytes.length))).toEqual({ ok: true, envelope });
  });

  it('refuses bytes that are not JSON', () => {
    const result = decodeEnvelope(new TextEncoder().encode('{"id": "evt_1",'));
    expect(result).toMatchObject({ ok: false, problem: { code: 'invalid_json' } });
    expect(result.ok || result.problem.message).toMatch(/^not valid JSON: /);
  });

  it('refuses an envelope that disagrees with its subject', () => {
    const raw = encode(envelope);
    expect(decodeEnvelope(raw, { organizationId: 'org_other', type: 'workflow.completed' })).toEqual({
      ok: false,
      problem: {
        code: 'subject_mismatch',
        message:
          'envelope (org_acme, workflow.completed) disagrees with its subject (org_other, workflow.completed)',
      },
    });
    expect(decodeEnvelope(raw, { organizationId: 'org_acme', type: 'workflow.failed' })).toMatchObject({
      ok: false,
      problem: { code: 'subject_mismatch' },
    });
  });

  it('reports an invalid envelope before comparing it with the subject', () => {
    expect(decodeEnvelope(encode({ ...envelope, id: '' }), { organizationId: 'x', type: 'y' })).toMatchObject(
      {
        ok: false,
        problem: { code: 'invalid_envelope' },
      },
    );
  });

  it('refuses a message over the size limit, and accepts one at it', () => {
    const base = encode({ ...envelope, data: { pad: '' } }).byteLength;
    const sized = (bytes: number) => encode({ ...envelope, data: { pad: 'x'.repeat(bytes - base) } });
    expect(decodeEnvelope(sized(DEFAULT_MAX_EVENT_BYTES)).ok).toBe(true);
    expect(decodeEnvelope(sized(DEFAULT_MAX_EVENT_BYTES + 1))).toEqual({
      ok: false,
      problem: {
        code: 'too_large',
        message: `event is ${DEFAULT_MAX_EVENT_BYTES + 1} bytes, over ${DEFAULT_MAX_EVENT_BYTES}`,
      },
    });
    expect(decodeEnvelope(sized(1000), undefined, 999)).toMatchObject({
      ok: false,
      problem: { code: 'too_large' },
    });
  });

  it('checks the size before parsing', () => {
    const garbage = new Uint8Array(DEFAULT_MAX_EVENT_BYTES + 1).fill(0x7b);
    expect(decodeEnvelope(garbage)).toMatchObject({ ok: false, problem: { code: 'too_large' } });
  });
});

describe('occurredAt', () => {
  const base = { id: 'evt_1', type: 'workflow.completed', organizationId: 'org_1', data: {} };
  it('refuses a calendar date that does not exist', () => {
    expect(validateEnvelope({ ...base, occurredAt: '2026-02-30T00:00:00Z' }).ok).toBe(false);
  });
  it('accepts a leap day', () => {
    expect(validateEnvelope({ ...base, occurredAt: '2028-02-29T00:00:00.000Z' }).ok).toBe(true);
  });
});

describe('eventMessage', () => {
  const event = {
    id: 'evt_1',
    type: 'workflow.completed',
    organizationId: 'org_a',
    occurredAt: '2026-11-23T10:00:00.000Z',
    data: {},
  };

  it('goes onto its organization and type subject under the event id, with its trace context when given', () => {
    expect(eventMessage(event)).toEqual({
      subject: 'events.org_a.workflow.completed',
      payload: JSON.stringify(event),
      msgId: 'evt_1',
      headers: {},
    });
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(eventMessage(event, trace).headers).toEqual({ traceparent: trace });
  });
});
