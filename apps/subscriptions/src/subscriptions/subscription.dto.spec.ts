import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { SubscriptionState } from '@hookstream/contracts';
import { CreateSubscriptionDto, toDraft, toPatch, UpdateSubscriptionDto } from './subscription.dto';
import { toResponse } from './subscription.response';

describe('subscription DTO mapping', () => {
  it('fills the defaults of a create', () => {
    const dto = plainToInstance(CreateSubscriptionDto, { name: 'n', url: 'https://e.com', events: ['*'] });
    expect(toDraft(dto)).toEqual({
      name: 'n',
      url: 'https://e.com',
      events: ['*'],
      active: true,
      profile: 'standard',
      payloadTemplate: null,
      headers: {},
      retryPolicy: null,
      timeoutMs: null,
      metadata: {},
      filter: null,
      signature: 'hmac',
      ordering: 'none',
      rateLimit: null,
    });
  });

  it('keeps only the fields an update sends, null included', () => {
    const dto = plainToInstance(UpdateSubscriptionDto, {
      name: 'm',
      payloadTemplate: null,
      retryPolicy: null,
    });
    expect(toPatch(dto)).toEqual({ name: 'm', payloadTemplate: null, retryPolicy: null });
    expect(toPatch(plainToInstance(UpdateSubscriptionDto, {}))).toEqual({});
  });

  it('refuses null for a field that cannot be empty, and accepts it for a nullable one', () => {
    const errors = (plain: object) =>
      validateSync(plainToInstance(UpdateSubscriptionDto, plain)).map((e) => e.property);
    expect(errors({ name: null })).toEqual(['name']);
    expect(errors({ events: null })).toEqual(['events']);
    expect(errors({ rateLimit: null })).toEqual([]);
    expect(errors({ headers: null })).toEqual(['headers']);
    expect(errors({ payloadTemplate: null, retryPolicy: null, timeoutMs: null })).toEqual([]);
  });

  it('never puts secrets in a response, except the one given', () => {
    const state = {
      id: 'wh_1',
      organizationId: 'org_a',
      secrets: [{ ciphertext: 'c', expiresAt: null }],
      createdAt: 't',
      updatedAt: 't',
    } as unknown as SubscriptionState;
    expect(toResponse(state)).not.toHaveProperty('secrets');
    expect(toResponse(state)).not.toHaveProperty('secret');
    expect(toResponse(state, 'whsec_x').secret).toBe('whsec_x');
  });
});
