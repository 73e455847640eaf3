import { fragments as f, JSON_SCHEMA_2020_12, type JsonSchema } from './event-type';

// Apify's actor events (seed 004). `data` is the run or build object (Apify's `resource`: id, actId,
// status ...) with the dispatch's eventData ids beside its own fields: {actorId, actorRunId} for runs,
// {actorId, actorBuildId} for builds. The apify profile sends the ids as eventData and data as resource.

const resourceProperties = {
  id: f.optionalString,
  actId: f.optionalString,
  userId: f.optionalString,
  status: f.optionalString,
  startedAt: f.optionalDateTime,
  finishedAt: f.optionalDateTime,
  meta: f.optionalObject,
};

export function actorRunSchema(title: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_2020_12,
    title,
    type: 'object',
    required: ['actorId', 'actorRunId'],
    properties: { actorId: f.id, actorRunId: f.id, actorTaskId: f.optionalString, ...resourceProperties },
  };
}

export function actorBuildSchema(title: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_2020_12,
    title,
    type: 'object',
    required: ['actorId', 'actorBuildId'],
    properties: { actorId: f.id, actorBuildId: f.id, ...resourceProperties },
  };
}

/** Apify's TEST event carries whatever the sender puts in it. */
export const testSchema: JsonSchema = { $schema: JSON_SCHEMA_2020_12, title: 'TEST', type: 'object' };
