import { fragments as f, JSON_SCHEMA_2020_12, type JsonSchema } from './event-type';

// ELAN's workflow events (seed 002). The document names the types but not their data; the workflow
// id is what the elan profile lifts into the body's `workflow_id`, so it is the one field required.

const workflowProperties = {
  workflow_id: f.id,
  workflow_name: f.optionalString,
  execution_id: f.optionalString,
  status: f.optionalString,
  started_at: f.optionalDateTime,
  completed_at: f.optionalDateTime,
  failed_at: f.optionalDateTime,
  duration_ms: { type: ['number', 'null'], minimum: 0 },
  // A message or a structured error, as the workflow engine reports it.
  error: { type: ['object', 'string', 'null'] },
};

function workflowSchema(title: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_2020_12,
    title,
    type: 'object',
    required: ['workflow_id'],
    properties: workflowProperties,
  };
}

function stepSchema(title: string): JsonSchema {
  return {
    $schema: JSON_SCHEMA_2020_12,
    title,
    type: 'object',
    required: ['workflow_id', 'step_id'],
    properties: {
      ...workflowProperties,
      step_id: f.id,
      step_name: f.optionalString,
      step_type: f.optionalString,
      step_index: f.optionalCount,
    },
  };
}

export const workflowSchemas = {
  started: workflowSchema('workflow.started'),
  completed: workflowSchema('workflow.completed'),
  failed: workflowSchema('workflow.failed'),
  stepStarted: stepSchema('workflow.step.started'),
  stepCompleted: stepSchema('workflow.step.completed'),
  stepFailed: stepSchema('workflow.step.failed'),
};
