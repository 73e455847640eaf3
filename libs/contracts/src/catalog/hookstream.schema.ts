import { fragments as f, JSON_SCHEMA_2020_12, type JsonSchema } from './event-type';

/** Published by Hookstream itself when a subscription is disabled (docs/architecture.md §6). */
export const webhookDisabledSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020_12,
  title: 'webhook.disabled',
  type: 'object',
  required: ['subscriptionId', 'url', 'reason', 'disabledAt'],
  properties: {
    subscriptionId: f.id,
    url: { type: 'string', format: 'uri' },
    reason: f.id,
    disabledAt: f.dateTime,
  },
};
