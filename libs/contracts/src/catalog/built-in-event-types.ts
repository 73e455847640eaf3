import { actorBuildSchema, actorRunSchema, testSchema } from './apify.schema';
import { workflowSchemas } from './elan.schema';
import type { EventTypeDefinition, JsonSchema } from './event-type';
import { webhookDisabledSchema } from './hookstream.schema';
import { executionCompleteSchema } from './kaizen.schema';
import { runCompletedSchema, runFailedSchema } from './maxun.schema';

function actorRun(name: string, description: string) {
  return { description, schema: actorRunSchema(name) };
}

function actorBuild(name: string, description: string) {
  return { description, schema: actorBuildSchema(name) };
}

/** The built-in catalog (docs/architecture.md §4), in the order it is listed. */
const builtIns = {
  'execution.complete': {
    description: 'An execution has finished running (Kaizen Automation).',
    schema: executionCompleteSchema,
  },
  run_completed: { description: 'A robot run finished successfully (Maxun).', schema: runCompletedSchema },
  run_failed: { description: 'A robot run failed (Maxun).', schema: runFailedSchema },
  'workflow.started': { description: 'A workflow has started execution.', schema: workflowSchemas.started },
  'workflow.completed': {
    description: 'A workflow has completed successfully.',
    schema: workflowSchemas.completed,
  },
  'workflow.failed': { description: 'A workflow has failed.', schema: workflowSchemas.failed },
  'workflow.step.started': {
    description: 'A workflow step has started.',
    schema: workflowSchemas.stepStarted,
  },
  'workflow.step.completed': {
    description: 'A workflow step has completed.',
    schema: workflowSchemas.stepCompleted,
  },
  'workflow.step.failed': { description: 'A workflow step has failed.', schema: workflowSchemas.stepFailed },
  'ACTOR.BUILD.ABORTED': actorBuild('ACTOR.BUILD.ABORTED', 'An actor build was aborted.'),
  'ACTOR.BUILD.CREATED': actorBuild('ACTOR.BUILD.CREATED', 'An actor build was created.'),
  'ACTOR.BUILD.FAILED': actorBuild('ACTOR.BUILD.FAILED', 'An actor build failed.'),
  'ACTOR.BUILD.SUCCEEDED': actorBuild('ACTOR.BUILD.SUCCEEDED', 'An actor build succeeded.'),
  'ACTOR.BUILD.TIMED_OUT': actorBuild('ACTOR.BUILD.TIMED_OUT', 'An actor build timed out.'),
  'ACTOR.RUN.ABORTED': actorRun('ACTOR.RUN.ABORTED', 'An actor run was aborted.'),
  'ACTOR.RUN.CREATED': actorRun('ACTOR.RUN.CREATED', 'An actor run was created.'),
  'ACTOR.RUN.FAILED': actorRun('ACTOR.RUN.FAILED', 'An actor run failed.'),
  'ACTOR.RUN.RESURRECTED': actorRun('ACTOR.RUN.RESURRECTED', 'A finished actor run was resurrected.'),
  'ACTOR.RUN.SUCCEEDED': actorRun('ACTOR.RUN.SUCCEEDED', 'An actor run succeeded.'),
  'ACTOR.RUN.TIMED_OUT': actorRun('ACTOR.RUN.TIMED_OUT', 'An actor run timed out.'),
  TEST: { description: 'A test event; its data may be any object.', schema: testSchema },
  'webhook.disabled': {
    description: 'A subscription was disabled after failing for too long (published by Hookstream).',
    schema: webhookDisabledSchema,
  },
} satisfies Record<string, { description: string; schema: JsonSchema }>;

export type BuiltInEventType = keyof typeof builtIns;

export const BUILT_IN_EVENT_TYPE_NAMES = Object.keys(builtIns) as readonly BuiltInEventType[];

export const BUILT_IN_EVENT_TYPES: readonly EventTypeDefinition[] = Object.entries(builtIns).map(
  ([name, { description, schema }]) => ({ name, description, schema }),
);

export function isBuiltInEventType(name: string): name is BuiltInEventType {
  return Object.hasOwn(builtIns, name);
}
