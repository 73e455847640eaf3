import { InitialSchema1763890000000 } from './1763890000000-initial-schema';
import { IdempotencyKeys1764700000000 } from './1764700000000-idempotency-keys';
import { FiltersAndSignatures1764800000000 } from './1764800000000-filters-and-signatures';
import { RateLimit1765000000001 } from './1765000000001-rate-limit';
import { Ordering1765000000002 } from './1765000000002-ordering';
import { ApiKeyLookup1796609307511 } from './1796609307511-api-key-lookup';

/** In order; the migrations table is `migrations_subscriptions`. */
export const subscriptionsMigrations = [
  InitialSchema1763890000000,
  IdempotencyKeys1764700000000,
  FiltersAndSignatures1764800000000,
  RateLimit1765000000001,
  Ordering1765000000002,
  ApiKeyLookup1796609307511,
];

export const SUBSCRIPTIONS_MIGRATIONS_TABLE = 'migrations_subscriptions';
