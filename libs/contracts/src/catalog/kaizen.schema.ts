import { fragments as f, JSON_SCHEMA_2020_12, type JsonSchema } from './event-type';

// Kaizen Automation's execution.complete (seed 000). The document lists every field without marking
// optional ones; a finished execution always has its id, its workflow and a status, the rest may be
// absent or null (no batch, no downloads, not started from a block ...).

const named = { type: 'object', required: ['id'], properties: { id: f.id, name: f.optionalString } };
const optionalNamed = { ...named, type: ['object', 'null'] };

const file = {
  type: 'object',
  properties: {
    id: f.optionalString,
    name: f.optionalString,
    mimeType: f.optionalString,
    sizeBytes: f.optionalCount,
    downloadUrl: f.optionalString,
    key: f.optionalString,
  },
};

const locator = {
  type: ['object', 'null'],
  properties: Object.fromEntries(
    ['role', 'text', 'label', 'placeholder', 'altText', 'title', 'css', 'xpath'].map((key) => [
      key,
      f.optionalString,
    ]),
  ),
};

const startBlock = {
  type: ['object', 'null'],
  properties: {
    id: f.optionalString,
    name: f.optionalString,
    blockReferenceId: f.optionalString,
    transformerFn: f.optionalString,
    type: f.optionalString,
    locator,
    isCacheable: f.optionalBoolean,
    skipIfNotPresent: f.optionalBoolean,
    data: {
      type: ['object', 'null'],
      properties: { loginId: f.optionalString, isParameter: f.optionalBoolean },
    },
    parentRelationship: {
      type: ['object', 'null'],
      properties: {
        blockDepth: f.optionalCount,
        positionInSequence: f.optionalCount,
        parentBlockId: f.optionalString,
        parentSequenceId: f.optionalString,
      },
    },
  },
};

const downloads = {
  type: ['object', 'null'],
  properties: {
    status: f.optionalString,
    files: { type: 'array', items: file },
    message: f.optionalString,
  },
};

const authentication = {
  type: 'object',
  properties: { browserSessionId: f.optionalString, status: f.optionalString, liveViewUrl: f.optionalString },
};

const contextAuthentication = {
  type: 'object',
  properties: {
    contextAuthenticationId: f.optionalString,
    loginSummary: {
      type: ['object', 'null'],
      properties: { loginId: f.optionalString, name: f.optionalString, isManual: f.optionalBoolean },
    },
    authenticationStatus: f.optionalString,
  },
};

export const executionCompleteSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020_12,
  title: 'execution.complete',
  type: 'object',
  required: ['id', 'workflow', 'status'],
  properties: {
    id: f.id,
    workflow: named,
    batch: optionalNamed,
    logins: { type: ['array', 'null'], items: named },
    authentications: { type: ['array', 'null'], items: authentication },
    startTime: f.optionalDateTime,
    params: f.optionalObject,
    metadata: f.optionalObject,
    name: f.optionalString,
    startBlock,
    downloads,
    contextAuthentications: { type: ['array', 'null'], items: contextAuthentication },
    parentExecutionId: f.optionalString,
    status: f.id,
    durationMs: { type: ['number', 'null'], minimum: 0 },
    endTime: f.optionalDateTime,
    // The workflow's own result: any JSON value.
    response: {},
    truncatedResponse: f.optionalString,
    responseFile: { ...file, type: ['object', 'null'] },
    browserSessionId: f.optionalString,
    context: f.optionalObject,
  },
};
