import { useState } from 'preact/hooks';
import { call, type Endpoint, enc } from './api';
import type { Props } from './app';
import { Chart, LiveTail } from './activity';
import { Attempts } from './attempts';
import { SecretOnce } from './endpoint-form';
import { Replay } from './replay';
import { go } from './route';
import { Alert, Status, statusOf, useAction, useLoad, when } from './ui';

const hours = (ms: number) =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;

export function EndpointPage({ session, id, onExpired }: Props & { id: string }) {
  const {
    data: endpoint,
    error,
    reload,
  } = useLoad(() => call<Endpoint>('GET', `/webhooks/${enc(id)}`), [id], onExpired);
  const action = useAction(onExpired);
  const [notice, setNotice] = useState<string | null>(null);
  const [rotated, setRotated] = useState<Endpoint | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [attemptsTick, setAttemptsTick] = useState(0);
  const [testType, setTestType] = useState('workflow.completed');
  const manage = session.permissions === 'manage';

  if (error) return <Alert>{error}</Alert>;
  if (!endpoint) return <p aria-busy="true">Loading…</p>;
  if (rotated)
    return (
      <SecretOnce
        endpoint={rotated}
        onDone={() => (setRotated(null), reload())}
        rotated={`The previous secret keeps signing beside it for ${hours(session.secretRotationGraceMs)}, until ${when(
          new Date(Date.now() + session.secretRotationGraceMs).toISOString(),
        )}.`}
      />
    );

  const setActive = async (active: boolean) => {
    if (await action.run(() => call('PATCH', `/webhooks/${enc(id)}`, { active }))) {
      setNotice(
        active ? 'Endpoint resumed.' : 'Endpoint paused: no events are sent to it until it is resumed.',
      );
      reload();
    }
  };
  const remove = async () => {
    if ((await action.run(() => call('DELETE', `/webhooks/${enc(id)}`).then(() => true))) === true)
      go('endpoints');
  };
  const rotate = async () => {
    const next = await action.run(() => call<Endpoint>('POST', `/webhooks/${enc(id)}/rotate-secret`));
    if (next) setRotated(next);
  };
  const test = async () => {
    const sent = await action.run(() =>
      call<{ dispatchId: string }>('POST', `/webhooks/${enc(id)}/test`, { eventType: testType }),
    );
    if (sent) {
      setNotice(`Test event sent (dispatch ${sent.dispatchId}). Its attempt appears below.`);
      setAttemptsTick((t) => t + 1);
    }
  };

  return (
    <>
      <section aria-labelledby="endpoint-title">
        <p>
          <a href="#/endpoints">← All endpoints</a>
        </p>
        <div class="row">
          <h1 id="endpoint-title">{endpoint.name}</h1>
          <span class={`pill ${statusOf(endpoint).toLowerCase()}`}>{statusOf(endpoint)}</span>
        </div>
        <dl class="facts">
          <dt>URL</dt>
          <dd class="mono">{endpoint.url}</dd>
          <dt>Events</dt>
          <dd>{endpoint.events.join(', ')}</dd>
          {endpoint.disabledReason && (
            <>
              <dt>Disabled because</dt>
              <dd>{endpoint.disabledReason}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>{when(endpoint.createdAt)}</dd>
        </dl>
        {notice && <Status>{notice}</Status>}
        {action.error && <Alert>{action.error.message}</Alert>}
        {manage && (
          <div class="row actions">
            <a class="button" href={`#/endpoints/${id}/edit`}>
              Edit
            </a>
            <button type="button" onClick={() => void setActive(!endpoint.active)} disabled={action.busy}>
              {endpoint.active ? 'Pause' : 'Resume'}
            </button>
            <button type="button" onClick={() => void rotate()} disabled={action.busy}>
              Rotate secret
            </button>
            {confirmDelete ? (
              <>
                <button type="button" class="danger" onClick={() => void remove()} disabled={action.busy}>
                  Confirm delete
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            )}
          </div>
        )}
      </section>
      {manage && (
        <section aria-labelledby="test-title" class="card">
          <h2 id="test-title">Send a test event</h2>
          <div class="row">
            <label for="test-type">Event type</label>
            <input
              id="test-type"
              class="mono"
              value={testType}
              onInput={(e) => setTestType(e.currentTarget.value)}
            />
            <button type="button" class="primary" onClick={() => void test()} disabled={action.busy}>
              Send test event
            </button>
          </div>
        </section>
      )}
      {manage && <Replay id={id} onExpired={onExpired} onStarted={() => setAttemptsTick((t) => t + 1)} />}
      <Attempts id={id} manage={manage} tick={attemptsTick} onExpired={onExpired} />
      <Chart id={id} tick={attemptsTick} onExpired={onExpired} />
      <LiveTail id={id} />
    </>
  );
}
