import { DeliveryLog1763900000000 } from './1763900000000-delivery-log';
import { LeanLogRows1764000000000 } from './1764000000000-lean-log-rows';

/** In order; the migrations table is `migrations_log_projector`. */
export const logProjectorMigrations = [DeliveryLog1763900000000, LeanLogRows1764000000000];

export const LOG_PROJECTOR_MIGRATIONS_TABLE = 'migrations_log_projector';

/** The tables the migrations create, all of them rebuilt from DELIVERIES. */
export const PROJECTION_TABLES = ['dispatches', 'dispatch_rounds', 'attempts', 'checkpoints'] as const;
