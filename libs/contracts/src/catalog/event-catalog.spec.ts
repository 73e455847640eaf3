import { BUILT_IN_EVENT_TYPES } from './built-in-event-types';
import { EventCatalog } from './event-catalog';
import { MAX_SCHEMA_BYTES } from './schema-compiler';

const orderSchema = {
  type: 'object',
  required: ['orderId', 'customer'],
  properties: {
    orderId: { type: 'string', pattern: '^ord_[0-9]+$' },
    customer: {
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' } },
    },
  },
};
const order = { orderId: 'ord_17', customer: { email: 'ana@example.com' } };

function register(catalog: EventCatalog, organizationId: string, name: string, schema: object) {
  return catalog.register(organizationId, { name, description: `${name} events`, schema: schema as never });
}

describe('EventCatalog', () => {
  let catalog: EventCatalog;
  beforeEach(() => {
    catalog = new EventCatalog();
  });

  it('lists the built-ins for every organization, then its own types by name', () => {
    expect(register(catalog, 'org_a', 'shop.order.placed', orderSchema)).toMatchObject({ ok: true });
    expect(register(catalog, 'org_a', 'shop.order.cancelled', { type: 'object' })).toMatchObject({
      ok: true,
    });
    const names = catalog.types('org_a').map((entry) => entry.name);
    expect(names).toEqual([
      ...BUILT_IN_EVENT_TYPES.map((t) => t.name),
      'shop.order.cancelled',
      'shop.order.placed',
    ]);
    expect(catalog.types('org_b').map((entry) => entry.name)).toEqual(
      BUILT_IN_EVENT_TYPES.map((t) => t.name),
    );
    expect(catalog.types('org_a').at(-1)).toEqual({
      name: 'shop.order.placed',
      description: 'shop.order.placed events',
      schema: orderSchema,
      builtIn: false,
    });
    expect(catalog.types('org_b')[0]).toMatchObject({ name: 'execution.complete', builtIn: true });
  });

  it("validates data against an organization's own type, and only for that organization", () => {
    register(catalog, 'org_a', 'shop.order.placed', orderSchema);
    expect(catalog.has('org_a', 'shop.order.placed')).toBe(true);
    expect(catalog.has('org_b', 'shop.order.placed')).toBe(false);
    expect(catalog.validate('org_a', 'shop.order.placed', order)).toEqual({ ok: true });
    expect(catalog.validate('org_a', 'shop.order.placed', { ...order, customer: { email: 'nope' } })).toEqual(
      {
        ok: false,
        code: 'invalid_data',
        message: 'data/customer/email must match format "email"',
      },
    );
    expect(catalog.validate('org_b', 'shop.order.placed', order)).toEqual({
      ok: false,
      code: 'unknown_type',
      message: 'unknown event type "shop.order.placed"',
    });
  });

  it('refuses unknown types', () => {
    expect(catalog.has('org_a', 'workflow.paused')).toBe(false);
    expect(catalog.validate('org_a', 'workflow.paused', {})).toMatchObject({
      ok: false,
      code: 'unknown_type',
    });
  });

  it('refuses names that clash with built-ins, in any case', () => {
    for (const name of ['workflow.completed', 'test', 'Actor.Run.Succeeded']) {
      expect(register(catalog, 'org_a', name, { type: 'object' })).toEqual({
        ok: false,
        code: 'conflict',
        message: `event type "${name}" clashes with a built-in event type`,
      });
    }
    expect(catalog.validate('org_a', 'workflow.completed', { workflow_id: 'wf_1' })).toEqual({ ok: true });
  });

  it.each(['', 'a..b', 'orders.*', 'orders.>', 'has space', '.leading', 'x'.repeat(129)])(
    'refuses the invalid name %p',
    (name) => {
      expect(register(catalog, 'org_a', name, { type: 'object' })).toMatchObject({
        ok: false,
        code: 'validation_failed',
        message: expect.stringContaining('is not valid'),
      });
    },
  );

  it.each([
    [
      'an unknown type',
      { type: 'strin' },
      'schema is invalid: schema/type must be equal to one of the allowed values',
    ],
    [
      'a reference it cannot resolve',
      { $ref: 'https://schemas.example.com/other.json' },
      "can't resolve reference",
    ],
    ['an unsupported draft', { $schema: 'http://json-schema.org/draft-04/schema#' }, 'is not supported'],
    ['a lookahead pattern', { properties: { a: { pattern: '^(?=x)' } } }, 'linear-time engine'],
    [
      'an $id below its root',
      { properties: { a: { $id: 'https://x.example/a', type: 'string' } } },
      '$id below',
    ],
    ['an array', [], 'JSON Schema object'],
  ])('refuses a schema with %s', (_what, schema, message) => {
    const result = register(catalog, 'org_a', 'shop.order.placed', schema);
    expect(result).toMatchObject({
      ok: false,
      code: 'validation_failed',
      message: expect.stringContaining(message),
    });
    expect(catalog.has('org_a', 'shop.order.placed')).toBe(false);
  });

  it('refuses schemas over the size limit and overlong descriptions', () => {
    const huge = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) };
    expect(register(catalog, 'org_a', 'big', huge)).toMatchObject({
      ok: false,
      message: expect.stringContaining('bytes'),
    });
    const result = catalog.register('org_a', { name: 'long', description: 'x'.repeat(1025), schema: {} });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('description') });
  });

  it('accepts draft-07 and 2019-09 schemas, vendor keywords and local references', () => {
    const draft07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      'x-owner': 'billing',
      definitions: { money: { type: 'integer', minimum: 0 } },
      properties: { amount: { $ref: '#/definitions/money' } },
    };
    register(catalog, 'org_a', 'billing.charged', draft07);
    expect(catalog.validate('org_a', 'billing.charged', { amount: 5 })).toEqual({ ok: true });
    expect(catalog.validate('org_a', 'billing.charged', { amount: -5 })).toMatchObject({
      message: 'data/amount must be >= 0',
    });
    const draft2019 = { $schema: 'https://json-schema.org/draft/2019-09/schema', required: ['seat'] };
    expect(register(catalog, 'org_a', 'billing.seat', draft2019)).toMatchObject({ ok: true });
    expect(catalog.validate('org_a', 'billing.seat', {})).toMatchObject({
      message: "data must have required property 'seat'",
    });
  });

  it('keeps schemas with the same $id in different organizations apart', () => {
    const id = 'https://schemas.example.com/order.json';
    register(catalog, 'org_a', 'order', { $id: id, required: ['a'] });
    expect(register(catalog, 'org_b', 'order', { $id: id, required: ['b'] })).toMatchObject({ ok: true });
    expect(catalog.validate('org_a', 'order', { a: 1 })).toEqual({ ok: true });
    expect(catalog.validate('org_b', 'order', { a: 1 })).toMatchObject({
      message: "data must have required property 'b'",
    });
  });

  it('replaces a type registered again, and forgets an unregistered one', () => {
    register(catalog, 'org_a', 'shop.order.placed', orderSchema);
    register(catalog, 'org_a', 'shop.order.placed', { type: 'object', required: ['total'] });
    expect(catalog.types('org_a').filter((entry) => entry.name === 'shop.order.placed')).toHaveLength(1);
    expect(catalog.validate('org_a', 'shop.order.placed', order)).toMatchObject({
      message: "data must have required property 'total'",
    });
    expect(catalog.unregister('org_a', 'shop.order.placed')).toBe(true);
    expect(catalog.unregister('org_a', 'shop.order.placed')).toBe(false);
    expect(catalog.has('org_a', 'shop.order.placed')).toBe(false);
  });

  it('is not affected by later changes to the schema object it was given', () => {
    const schema = structuredClone(orderSchema);
    register(catalog, 'org_a', 'shop.order.placed', schema);
    schema.required.push('coupon');
    expect(catalog.validate('org_a', 'shop.order.placed', order)).toEqual({ ok: true });
    expect(catalog.types('org_a').at(-1)?.schema).toEqual(orderSchema);
  });

  it('matches patterns in linear time, so a pathological pattern cannot stall validation', () => {
    register(catalog, 'org_a', 'evil', { properties: { s: { type: 'string', pattern: '^(a+)+$' } } });
    expect(catalog.validate('org_a', 'evil', { s: 'a'.repeat(50_000) + '!' })).toEqual({
      ok: false,
      code: 'invalid_data',
      message: 'data/s must match pattern "^(a+)+$"',
    });
    expect(catalog.validate('org_a', 'evil', { s: 'aaaa' })).toEqual({ ok: true });
  });

  it('names the allowed values and the unexpected property', () => {
    register(catalog, 'org_a', 'closed', {
      properties: { tier: { enum: ['free', 'pro'] } },
      additionalProperties: false,
    });
    expect(catalog.validate('org_a', 'closed', { tier: 'gold' })).toMatchObject({
      message: 'data/tier must be one of "free", "pro"',
    });
    expect(catalog.validate('org_a', 'closed', { color: 'red' })).toMatchObject({
      message: 'data must not have the property "color"',
    });
  });
});
