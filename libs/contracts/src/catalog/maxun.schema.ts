import { fragments as f, JSON_SCHEMA_2020_12, type JsonSchema } from './event-type';

// Maxun's robot run events (seeds 001 and 003). The two payloads name the same ids differently,
// snake_case on success and camelCase on failure; each schema follows its own document.

export const runCompletedSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020_12,
  title: 'run_completed',
  type: 'object',
  required: ['robot_id', 'run_id', 'status'],
  properties: {
    robot_id: f.id,
    run_id: f.id,
    robot_name: f.optionalString,
    // "success" in production, "test" for a test delivery.
    status: f.id,
    started_at: f.optionalDateTime,
    finished_at: f.optionalDateTime,
    extracted_data: f.optionalObject,
    error: f.optionalObject,
    metadata: f.optionalObject,
  },
};

const runError = {
  type: ['object', 'null'],
  properties: { message: f.optionalString, type: f.optionalString, stack: f.optionalString },
};

export const runFailedSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020_12,
  title: 'run_failed',
  type: 'object',
  required: ['robotId', 'runId', 'status'],
  properties: {
    robotId: f.id,
    runId: f.id,
    robotName: f.optionalString,
    status: f.id,
    // The example nests message/type/stack under error; the field table lists them at the top level.
    error: runError,
    message: f.optionalString,
    type: f.optionalString,
    stack: f.optionalString,
    metadata: f.optionalObject,
  },
};
