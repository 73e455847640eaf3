import { InitialSchema1763890000000 } from './1763890000000-initial-schema';
import { IdempotencyKeys1764700000000 } from './1764700000000-idempotency-keys';

/** In order; the migrations table is `migrations_subscriptions`. */
export const subscriptionsMigrations = [InitialSchema1763890000000, IdempotencyKeys1764700000000];

export const SUBSCRIPTIONS_MIGRATIONS_TABLE = 'migrations_subscriptions';
