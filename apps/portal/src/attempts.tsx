import { useEffect, useState } from 'preact/hooks';
import { type Attempt, call, enc, type Page } from './api';
import { Alert, Json, Status, useAction, useLoad, when } from './ui';

const PAGE = 10;
/** After a test or a replay the list refreshes for a while, so the new attempts show up on their own. */
const FOLLOW_MS = 20_000;

export function Attempts(props: { id: string; manage: boolean; tick: number; onExpired: () => void }) {
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Attempt | null>(null);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (status) query.set('status', status);
  if (eventType.trim()) query.set('eventType', eventType.trim());
  const { data, error, reload } = useLoad(
    () => call<Page<Attempt>>('GET', `/webhooks/${enc(props.id)}/logs?${query.toString()}`),
    [props.id, query.toString()],
    props.onExpired,
  );
  useEffect(() => {
    if (props.tick === 0) return;
    const started = Date.now();
    const timer = setInterval(
      () => (Date.now() - started > FOLLOW_MS ? clearInterval(timer) : reload()),
      1000,
    );
    return () => clearInterval(timer);
  }, [props.tick, reload]);

  return (
    <section aria-labelledby="attempts-title" class="card">
      <div class="row">
        <h2 id="attempts-title">Delivery attempts</h2>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <div class="row wrap">
        <label for="filter-status">Status</label>
        <select
          id="filter-status"
          value={status}
          onChange={(e) => (setStatus(e.currentTarget.value), setOffset(0))}
        >
          <option value="">Any</option>
          <option value="succeeded">Succeeded</option>
          <option value="retrying">Retrying</option>
          <option value="failed">Failed</option>
        </select>
        <label for="filter-type">Event type</label>
        <input
          id="filter-type"
          class="mono"
          value={eventType}
          placeholder="all types"
          onChange={(e) => (setEventType(e.currentTarget.value), setOffset(0))}
        />
      </div>
      {error && <Alert>{error}</Alert>}
      {data && data.items.length === 0 && <p>No attempts yet.</p>}
      {data && data.items.length > 0 && (
        <table class="attempts">
          <caption class="sr-only">Attempts, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event type</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Duration</th>
              <th scope="col">
                <span class="sr-only">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) => (
              <tr key={a.id} class={open?.id === a.id ? 'selected' : undefined}>
                <td>{when(a.startedAt)}</td>
                <td class="mono">
                  {a.eventType}
                  {a.test && <span class="badge">test</span>}
                </td>
                <td>
                  <span class={`pill ${a.status}`}>{a.status}</span>
                </td>
                <td>{a.responseStatus ?? a.errorMessage ?? '—'}</td>
                <td>{a.durationMs} ms</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() => setOpen(a)}
                    aria-label={`Details of attempt ${a.attempt} at ${when(a.startedAt)}`}
                  >
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <nav class="pager" aria-label="Attempt pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span>
            {data.total === 0 ? '0' : `${offset + 1}–${Math.min(offset + PAGE, data.total)}`} of {data.total}
          </span>
          <button
            type="button"
            disabled={offset + PAGE >= data.total}
            onClick={() => setOffset(offset + PAGE)}
          >
            Older
          </button>
        </nav>
      )}
      {open && (
        <AttemptDetail attempt={open} manage={props.manage} onExpired={props.onExpired} onRetried={reload} />
      )}
    </section>
  );
}

function AttemptDetail(props: {
  attempt: Attempt;
  manage: boolean;
  onExpired: () => void;
  onRetried: () => void;
}) {
  const a = props.attempt;
  const action = useAction(props.onExpired);
  const [retried, setRetried] = useState(false);
  const retry = async () => {
    if (await action.run(() => call('POST', `/webhook-dispatches/${enc(a.dispatchId)}/retry`))) {
      setRetried(true);
      props.onRetried();
    }
  };
  return (
    <section aria-labelledby="attempt-title" class="detail">
      <h3 id="attempt-title" tabIndex={-1} ref={(el) => el?.focus()}>
        Attempt {a.attempt} of {a.eventType}
      </h3>
      <dl class="facts">
        <dt>Dispatch</dt>
        <dd class="mono">{a.dispatchId}</dd>
        <dt>Event</dt>
        <dd class="mono">{a.eventId}</dd>
        <dt>Started</dt>
        <dd>{when(a.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{a.durationMs} ms</dd>
        <dt>Response status</dt>
        <dd>{a.responseStatus ?? 'none'}</dd>
        {a.errorMessage && (
          <>
            <dt>Error</dt>
            <dd>{a.errorMessage}</dd>
          </>
        )}
        {a.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>{when(a.nextAttemptAt)}</dd>
          </>
        )}
      </dl>
      <h4>Request headers as sent</h4>
      {a.requestHeaders ? (
        <pre class="code" tabIndex={0} aria-label="Request headers">
          {Object.entries(a.requestHeaders)
            .map(([name, value]) => `${name}: ${value}`)
            .join('\n')}
        </pre>
      ) : (
        <p>No request was sent for this attempt.</p>
      )}
      <h4>Request body as sent</h4>
      <Json value={a.requestBody ?? ''} label="Request body" />
      <h4>Response body</h4>
      <Json value={a.responseBody ?? ''} label="Response body" />
      {props.manage && (
        <button type="button" class="primary" onClick={() => void retry()} disabled={action.busy}>
          Retry this delivery
        </button>
      )}
      {retried && <Status>Retry started: a new attempt appears in the list.</Status>}
      {action.error && <Alert>{action.error.message}</Alert>}
    </section>
  );
}
