import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isEventType } from '../streams';
import { BUILT_IN_EVENT_TYPE_NAMES, BUILT_IN_EVENT_TYPES, isBuiltInEventType } from './built-in-event-types';
import { EventCatalog } from './event-catalog';
import { BUILT_IN_EVENT_SAMPLES, sampleDataOf } from './samples';

const org = 'org_acme';
const catalog = new EventCatalog();

type Data = Record<string, unknown>;

function sample(type: keyof typeof BUILT_IN_EVENT_SAMPLES): Data {
  return sampleDataOf(type)!;
}

describe('built-in event types', () => {
  it('are the types of docs/architecture.md §4, each a valid event type', () => {
    expect([...BUILT_IN_EVENT_TYPE_NAMES].sort()).toEqual(
      [
        'execution.complete',
        'run_completed',
        'run_failed',
        'workflow.started',
        'workflow.completed',
        'workflow.failed',
        'workflow.step.started',
        'workflow.step.completed',
        'workflow.step.failed',
        ...['ABORTED', 'CREATED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT'].map((s) => `ACTOR.BUILD.${s}`),
        ...['ABORTED', 'CREATED', 'FAILED', 'RESURRECTED', 'SUCCEEDED', 'TIMED_OUT'].map(
          (s) => `ACTOR.RUN.${s}`,
        ),
        'TEST',
        'webhook.disabled',
      ].sort(),
    );
    for (const name of BUILT_IN_EVENT_TYPE_NAMES) expect(isEventType(name)).toBe(true);
    expect(isBuiltInEventType('workflow.completed')).toBe(true);
    expect(isBuiltInEventType('toString')).toBe(false);
  });

  it('have schemas that compile under ajv strict mode', () => {
    const strict = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(strict);
    for (const { name, schema } of BUILT_IN_EVENT_TYPES)
      expect(() => strict.compile(schema)).not.toThrow(name);
  });

  it.each(BUILT_IN_EVENT_TYPE_NAMES.map((name) => [name]))('accept the sample of %s', (type) => {
    expect(catalog.validate(org, type, sample(type))).toEqual({ ok: true });
  });

  const requiredFields = BUILT_IN_EVENT_TYPES.flatMap(({ name, schema }) =>
    ((schema.required as string[] | undefined) ?? []).map((field) => [name, field]),
  );

  it.each(requiredFields)('refuse %s without %s, naming the field', (type, field) => {
    const data = sample(type as keyof typeof BUILT_IN_EVENT_SAMPLES);
    delete data[field];
    expect(catalog.validate(org, type, data)).toEqual({
      ok: false,
      code: 'invalid_data',
      message: `data must have required property '${field}'`,
    });
  });

  it('name the nested location that fails', () => {
    const data = sample('execution.complete');
    (data.workflow as Data).id = 42;
    expect(catalog.validate(org, 'execution.complete', data)).toEqual({
      ok: false,
      code: 'invalid_data',
      message: 'data/workflow/id must be string',
    });
    const noFileSize = sample('execution.complete');
    (noFileSize.downloads as { files: Data[] }).files[0]!.sizeBytes = 'large';
    expect(catalog.validate(org, 'execution.complete', noFileSize)).toMatchObject({
      ok: false,
      message: 'data/downloads/files/0/sizeBytes must be integer,null',
    });
  });

  it('accept null for optional fields and extra fields from producers', () => {
    const data = {
      ...sample('execution.complete'),
      batch: null,
      endTime: null,
      responseFile: null,
      extra: 1,
    };
    expect(catalog.validate(org, 'execution.complete', data)).toEqual({ ok: true });
  });

  it('keep Maxun success (snake_case) and failure (camelCase) apart', () => {
    expect(catalog.validate(org, 'run_completed', sample('run_completed'))).toEqual({ ok: true });
    expect(catalog.validate(org, 'run_failed', sample('run_failed'))).toEqual({ ok: true });
    expect(catalog.validate(org, 'run_failed', sample('run_completed'))).toMatchObject({
      ok: false,
      message: "data must have required property 'robotId'",
    });
    expect(catalog.validate(org, 'run_completed', sample('run_failed'))).toMatchObject({
      ok: false,
      message: "data must have required property 'robot_id'",
    });
  });

  it('require the run id on run events and the build id on build events', () => {
    expect(catalog.validate(org, 'ACTOR.RUN.SUCCEEDED', sample('ACTOR.BUILD.SUCCEEDED'))).toMatchObject({
      ok: false,
      message: "data must have required property 'actorRunId'",
    });
    expect(catalog.validate(org, 'ACTOR.BUILD.FAILED', { actorId: 'a', actorBuildId: '' })).toMatchObject({
      ok: false,
      message: 'data/actorBuildId must NOT have fewer than 1 characters',
    });
  });

  it('require a step id on workflow step events only', () => {
    const { step_id: _stepId, ...withoutStep } = sample('workflow.step.completed');
    expect(catalog.validate(org, 'workflow.completed', withoutStep)).toEqual({ ok: true });
    expect(catalog.validate(org, 'workflow.step.completed', withoutStep)).toMatchObject({ ok: false });
  });

  it('check the formats of webhook.disabled', () => {
    const data = sample('webhook.disabled');
    expect(catalog.validate(org, 'webhook.disabled', { ...data, url: 'not a url' })).toMatchObject({
      ok: false,
      message: 'data/url must match format "uri"',
    });
    expect(catalog.validate(org, 'webhook.disabled', { ...data, disabledAt: 'yesterday' })).toMatchObject({
      ok: false,
      message: 'data/disabledAt must match format "date-time"',
    });
  });

  it('let TEST carry any object', () => {
    expect(catalog.validate(org, 'TEST', {})).toEqual({ ok: true });
    expect(catalog.validate(org, 'TEST', { anything: [1, 'two', null] })).toEqual({ ok: true });
  });

  it('hand out sample copies that callers may change', () => {
    const copy = sample('run_failed');
    copy.robotId = 'changed';
    expect(BUILT_IN_EVENT_SAMPLES.run_failed.robotId).toBe('d453def3-800a-4b6c-ba31-854cf8dd8d26');
    expect(sampleDataOf('custom.type')).toBeUndefined();
  });
});
