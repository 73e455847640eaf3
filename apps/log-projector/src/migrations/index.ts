import { DeliveryLog1763900000000 } from './1763900000000-delivery-log';
import { LeanLogRows1764000000000 } from './1764000000000-lean-log-rows';
import { IdempotencyKeys1764700000000 } from './1764700000000-idempotency-keys';
import { AttemptRequestHeaders1764800000000 } from './1764800000000-attempt-request-headers';

/** In order; the migrations table is `migrations_log_projector`. */
export const logProjectorMigrations = [
  DeliveryLog1763900000000,
  LeanLogRows1764000000000,
  IdempotencyKeys1764700000000,
  AttemptRequestHeaders1764800000000,
];

export const LOG_PROJECTOR_MIGRATIONS_TABLE = 'migrations_log_projector';

/** The tables rebuilt from DELIVERIES: all the migrations create but the idempotency keys. */
export const PROJECTION_TABLES = ['dispatches', 'dispatch_rounds', 'attempts', 'checkpoints'] as const;
