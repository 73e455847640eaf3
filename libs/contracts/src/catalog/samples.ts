import type { BuiltInEventType } from './built-in-event-types';

type Data = Record<string, unknown>;

// Example `data` for every built-in type. Where a source document shows a payload it is copied
// verbatim (placeholders included); the others are realistic examples in the same vocabulary.

/** Seed 000: the `data` of Kaizen's execution.complete body. */
const executionComplete: Data = {
  id: '<string>',
  workflow: { id: '<string>', name: '<string>' },
  batch: { id: '<string>', name: '<string>' },
  logins: [{ id: '<string>', name: '<string>' }],
  authentications: [{ browserSessionId: '<string>', status: '<string>', liveViewUrl: '<string>' }],
  startTime: '2023-11-07T05:31:56Z',
  params: {},
  metadata: {},
  name: '<string>',
  startBlock: {
    id: '<string>',
    name: '<string>',
    blockReferenceId: '<string>',
    transformerFn: '<string>',
    type: '<string>',
    locator: {
      role: '<string>',
      text: '<string>',
      label: '<string>',
      placeholder: '<string>',
      altText: '<string>',
      title: '<string>',
      css: '<string>',
      xpath: '<string>',
    },
    isCacheable: true,
    skipIfNotPresent: true,
    data: { loginId: '<string>', isParameter: true },
    parentRelationship: {
      blockDepth: 123,
      positionInSequence: 123,
      parentBlockId: '<string>',
      parentSequenceId: 'sequence',
    },
  },
  downloads: {
    status: 'pending',
    files: [
      {
        id: '<string>',
        name: '<string>',
        mimeType: '<string>',
        sizeBytes: 123,
        downloadUrl: '<string>',
        key: '<string>',
      },
    ],
    message: '<string>',
  },
  contextAuthentications: [
    {
      contextAuthenticationId: '<string>',
      loginSummary: { loginId: '<string>', name: '<string>', isManual: true },
      authenticationStatus: 'Unauthenticated',
    },
  ],
  parentExecutionId: '<string>',
  status: 'Completed',
  durationMs: 123,
  endTime: '2023-11-07T05:31:56Z',
  response: {},
  truncatedResponse: '<string>',
  responseFile: {
    id: '<string>',
    name: '<string>',
    mimeType: '<string>',
    sizeBytes: 123,
    downloadUrl: '<string>',
    key: '<string>',
  },
  browserSessionId: '<string>',
  context: {},
};

/** Seeds 001/003: Maxun's successful run (snake_case ids). */
const runCompleted: Data = {
  robot_id: 'd453def3-800a-4b6c-ba31-854cf8dd8d26',
  run_id: '110c4dae-c39b-4b30-a932-eff1022e4bb0',
  robot_name: 'Test Robot',
  status: 'test',
  started_at: '2025-05-29T15:52:30.595Z',
  finished_at: '2025-05-29T15:53:15.595Z',
  extracted_data: {
    captured_texts: [
      { 'Product Name': 'MacBook Pro 16-inch M3 Max', Price: '$3,999.00', Rating: '4.8/5 stars' },
    ],
    captured_lists: {
      list_1: [
        {
          Rank: '1',
          Product: 'MacBook Air M2',
          Category: 'Laptops',
          'Units Sold': '2,847',
          Revenue: '$2,847,000',
        },
      ],
      list_0: [
        {
          Customer: 'Sarah M.',
          Rating: '5 stars',
          Review:
            'Absolutely love my new MacBook! The battery life is incredible and the performance is outstanding.',
          Date: '2024-12-15',
          'Verified Purchase': 'Yes',
        },
      ],
    },
    total_rows: 5,
    captured_texts_count: 3,
    captured_lists_count: 2,
    screenshots_count: 5,
  },
  metadata: { browser_id: 'd27ace57-75cb-441c-8589-8ba34e52f7d1', user_id: 108 },
};

/** Seeds 001/003: Maxun's failed run (camelCase ids). */
const runFailed: Data = {
  robotId: 'd453def3-800a-4b6c-ba31-854cf8dd8d26',
  runId: '110c4dae-c39b-4b30-a932-eff1022e4bb0',
  robotName: 'Test Robot',
  status: 'failed',
  error: {
    message: 'Timeout exceeded while waiting for element',
    type: 'TimeoutError',
    stack: 'TimeoutError: ...\n    at async Page.waitForSelector...',
  },
  metadata: { browserId: 'd27ace57-75cb-441c-8589-8ba34e52f7d1', userId: 108 },
};

const workflow = {
  workflow_id: 'wf_3kT9pQ2xLm',
  workflow_name: 'Contract translation EN to DE',
  execution_id: 'exe_01JD4V8Q6Y2M7N3B5C9X0ZKTRW',
};

const step = {
  step_id: 'step_machine_translation',
  step_name: 'Machine translation',
  step_type: 'translate',
  step_index: 1,
};

// Seed 004's ids (user, actor, run); the rest follows Apify's run and build objects.
const apifyUserId = 'wRsJZtadYvn4mBZmm';
const actorId = 'vvE7iMKuMc5qTHHsR';
const actorRunId = 'JgwXN9BdwxGcu9MMF';
const actorBuildId = 'HG7ML7M8z78YcAPEB';

// eventData ids first, then the run or build object as Apify's resource carries it.
function actorRun(status: string): Data {
  return {
    actorId,
    actorRunId,
    id: actorRunId,
    actId: actorId,
    userId: apifyUserId,
    startedAt: '2019-12-12T07:34:14.202Z',
    finishedAt: status === 'READY' || status === 'RUNNING' ? null : '2019-12-12T07:35:02.116Z',
    status,
    buildId: actorBuildId,
    buildNumber: '0.1.2',
    exitCode: status === 'SUCCEEDED' ? 0 : null,
    defaultKeyValueStoreId: 'sfAjeR4QmoknJvNBS',
    defaultDatasetId: 'WkzbQMuFYuamGv3YF',
    defaultRequestQueueId: 'FL35cSF7jrxr3BY39',
    meta: { origin: 'API' },
  };
}

function actorBuild(status: string): Data {
  return {
    actorId,
    actorBuildId,
    id: actorBuildId,
    actId: actorId,
    userId: apifyUserId,
    startedAt: '2019-12-12T07:30:01.503Z',
    finishedAt: status === 'READY' ? null : '2019-12-12T07:31:40.221Z',
    status,
    buildNumber: '0.1.2',
    meta: { origin: 'WEB' },
  };
}

export const BUILT_IN_EVENT_SAMPLES: Readonly<Record<BuiltInEventType, Data>> = {
  'execution.complete': executionComplete,
  run_completed: runCompleted,
  run_failed: runFailed,
  'workflow.started': { ...workflow, status: 'running', started_at: '2026-11-23T10:00:00.000Z' },
  'workflow.completed': {
    ...workflow,
    status: 'completed',
    started_at: '2026-11-23T10:00:00.000Z',
    completed_at: '2026-11-23T10:00:48.213Z',
    duration_ms: 48213,
  },
  'workflow.failed': {
    ...workflow,
    status: 'failed',
    started_at: '2026-11-23T10:00:00.000Z',
    failed_at: '2026-11-23T10:00:12.090Z',
    error: { code: 'STEP_FAILED', message: 'Step "Machine translation" failed' },
  },
  'workflow.step.started': {
    ...workflow,
    ...step,
    status: 'running',
    started_at: '2026-11-23T10:00:02.001Z',
  },
  'workflow.step.completed': {
    ...workflow,
    ...step,
    status: 'completed',
    started_at: '2026-11-23T10:00:02.001Z',
    completed_at: '2026-11-23T10:00:31.754Z',
    duration_ms: 29753,
  },
  'workflow.step.failed': {
    ...workflow,
    ...step,
    status: 'failed',
    started_at: '2026-11-23T10:00:02.001Z',
    failed_at: '2026-11-23T10:00:12.090Z',
    error: { code: 'ENGINE_UNAVAILABLE', message: 'Translation engine did not answer within 10 s' },
  },
  'ACTOR.BUILD.ABORTED': actorBuild('ABORTED'),
  'ACTOR.BUILD.CREATED': actorBuild('READY'),
  'ACTOR.BUILD.FAILED': actorBuild('FAILED'),
  'ACTOR.BUILD.SUCCEEDED': actorBuild('SUCCEEDED'),
  'ACTOR.BUILD.TIMED_OUT': actorBuild('TIMED-OUT'),
  'ACTOR.RUN.ABORTED': actorRun('ABORTED'),
  'ACTOR.RUN.CREATED': actorRun('READY'),
  'ACTOR.RUN.FAILED': actorRun('FAILED'),
  'ACTOR.RUN.RESURRECTED': actorRun('RUNNING'),
  'ACTOR.RUN.SUCCEEDED': actorRun('SUCCEEDED'),
  'ACTOR.RUN.TIMED_OUT': actorRun('TIMED-OUT'),
  TEST: { message: 'This is a test event.' },
  'webhook.disabled': {
    subscriptionId: 'wh_01JD4V8Q6Y2M7N3B5C9X0ZKTRW',
    url: 'https://hooks.example.com/hookstream',
    reason: 'no successful delivery for 5 days; last attempt answered 503',
    disabledAt: '2026-11-28T10:00:00.000Z',
  },
};

/** A fresh copy of a built-in type's sample data, safe to change; undefined for other types. */
export function sampleDataOf(type: string): Data | undefined {
  if (!Object.hasOwn(BUILT_IN_EVENT_SAMPLES, type)) return undefined;
  return structuredClone(BUILT_IN_EVENT_SAMPLES[type as BuiltInEventType]);
}
