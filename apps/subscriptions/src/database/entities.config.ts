import { ApiKeyEntity, ApiKeyOrganizationEntity } from '../api-keys/api-key.entity';
import { EventTypeEntity } from '../event-types/event-type.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { OutboxEntity } from '../outbox/outbox.entity';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';

export const subscriptionsEntities = [
  OrganizationEntity,
  ApiKeyEntity,
  ApiKeyOrganizationEntity,
  SubscriptionEntity,
  EventTypeEntity,
  OutboxEntity,
];
