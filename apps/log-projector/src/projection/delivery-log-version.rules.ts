/**
 * The projection's identity in the checkpoints table. Bump `version` whenever evolve or the
 * tables change meaning: a service that finds another version rebuilds from DELIVERIES at start.
 */
export const DELIVERY_LOG_PROJECTION = { name: 'delivery-log', version: 1 } as const;

export interface ProjectionId {
  name: string;
  version: number;
}
