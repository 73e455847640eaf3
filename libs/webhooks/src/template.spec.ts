import fc from 'fast-check';
import { MAX_TEMPLATE_LENGTH, renderTemplate, TemplateError, validateTemplate } from './template';

const variables = {
  eventType: 'ACTOR.RUN.SUCCEEDED',
  eventData: { actorId: 'act_1', actorRunId: 'run_1' },
  event: {
    id: 'evt_1',
    type: 'ACTOR.RUN.SUCCEEDED',
    data: { workflow: { id: 'wf_9' }, items: [{ id: 'i0' }] },
  },
  dispatch: { id: 'dsp_1' },
};

describe('renderTemplate', () => {
  it('replaces whole-value placeholders with the JSON of the variable', () => {
    const body = renderTemplate(
      '{"type": {{eventType}}, "x": {{eventData}}, "d": {{dispatch.id}}}',
      variables,
    );
    expect(JSON.parse(body)).toEqual({
      type: 'ACTOR.RUN.SUCCEEDED',
      x: { actorId: 'act_1', actorRunId: 'run_1' },
      d: 'dsp_1',
    });
  });

  it('walks dotted paths into objects and arrays', () => {
    const body = renderTemplate('[{{event.data.workflow.id}}, {{event.data.items.0.id}}]', variables);
    expect(JSON.parse(body)).toEqual(['wf_9', 'i0']);
  });

  it('renders unknown variables and missing paths as null', () => {
    const body = renderTemplate(
      '[{{nope}}, {{event.data.missing.deeper}}, {{eventType.length}}, {{event.data.items.x}}]',
      variables,
    );
    expect(JSON.parse(body)).toEqual([null, null, null, null]);
  });

  it('never reads inherited properties', () => {
    const body = renderTemplate(
      '[{{event.constructor}}, {{dispatch.__proto__}}, {{event.data.toString}}]',
      variables,
    );
    expect(JSON.parse(body)).toEqual([null, null, null]);
  });

  it('interpolates raw text inside strings and JSON inside strings for other values', () => {
    const body = renderTemplate(
      '{"text": "id: {{event.id}}, data: {{eventData}}, none: {{nope}}"}',
      variables,
    );
    expect(JSON.parse(body)).toEqual({
      text: 'id: evt_1, data: {"actorId":"act_1","actorRunId":"run_1"}, none: null',
    });
  });

  it('tolerates spaces inside the braces', () => {
    expect(JSON.parse(renderTemplate('{"a": {{ eventType }}}', variables))).toEqual({
      a: 'ACTOR.RUN.SUCCEEDED',
    });
  });

  it('keeps escaped quotes and literal braces inside strings as they are', () => {
    const template = '{"a": "say \\"{{eventType}}\\"", "b": "{{ not a placeholder", "c": "{{x y}}"}';
    expect(JSON.parse(renderTemplate(template, variables))).toEqual({
      a: 'say "ACTOR.RUN.SUCCEEDED"',
      b: '{{ not a placeholder',
      c: '{{x y}}',
    });
  });

  it('places any value as a whole JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const body = renderTemplate('{"x": {{eventData}}}', { eventData: value });
        expect(JSON.parse(body)).toEqual({ x: JSON.parse(JSON.stringify(value)) });
      }),
    );
  });

  it('keeps any string inside its JSON string, quotes, backslashes and control characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (id) => {
        const body = renderTemplate('{"text": "id: {{event.id}}!"}', { event: { id } });
        expect(JSON.parse(body)).toEqual({ text: `id: ${id}!` });
      }),
    );
  });

  it('throws a TemplateError when the result is not JSON', () => {
    expect(() => renderTemplate('{"x": {{eventData}}', variables)).toThrow(TemplateError);
    expect(() => renderTemplate('{"x": {{eventData}}', variables)).toThrow('does not render valid JSON');
    expect(() => renderTemplate('{"x": {{event-data}}}', variables)).toThrow(
      'malformed placeholder at position 6',
    );
  });
});

describe('validateTemplate', () => {
  it.each([
    '{"userId": {{userId}}, "createdAt": {{createdAt}}, "eventType": {{eventType}}, "eventData": {{eventData}}, "resource": {{resource}}}',
    '{"text": "run {{event.data.runId}} finished"}',
    '[{{event}}]',
    '{{eventData}}',
  ])('accepts %s', (template) => expect(validateTemplate(template)).toBeNull());

  it.each([
    ['{"x": {{eventData}}', 'does not render valid JSON'],
    ['{"x": {{eventData}} {{eventType}}}', 'does not render valid JSON'],
    ['{"x": "{{eventData}}}', 'does not render valid JSON'],
    ['not json at all', 'does not render valid JSON'],
    ['', 'does not render valid JSON'],
    ['{"x": {{1abc}}}', 'malformed placeholder'],
    ['{"x": {{event..id}}}', 'malformed placeholder'],
    [`{"x": "${'a'.repeat(MAX_TEMPLATE_LENGTH)}"}`, `at most ${MAX_TEMPLATE_LENGTH} characters`],
  ])('refuses %j', (template, message) => expect(validateTemplate(template)).toContain(message));
});
