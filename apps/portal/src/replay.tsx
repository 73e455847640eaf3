import { useState } from 'preact/hooks';
import { call, enc } from './api';
import { Alert, Status, useAction } from './ui';

/** datetime-local speaks local time without a zone; the API wants an ISO instant. */
const toIso = (local: string) => new Date(local).toISOString();
const localOf = (date: Date) =>
  new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function Replay(props: { id: string; onExpired: () => void; onStarted: () => void }) {
  const now = new Date();
  const [since, setSince] = useState(localOf(new Date(now.getTime() - 3_600_000)));
  const [until, setUntil] = useState(localOf(new Date(now.getTime() + 60_000)));
  const [onlyFailed, setOnlyFailed] = useState(true);
  const [result, setResult] = useState<string | null>(null);
  const action = useAction(props.onExpired);
  const start = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    const body = { since: toIso(since), until: toIso(until), onlyFailed };
    const answer = await action.run(() =>
      call<{ count: number; truncated: boolean }>('POST', `/webhooks/${enc(props.id)}/replay`, body),
    );
    if (!answer) return;
    const more = answer.truncated ? ' The range holds more: replay the rest with a later start.' : '';
    setResult(
      `Replay started: ${answer.count} event${answer.count === 1 ? '' : 's'} will be sent again.${more}`,
    );
    props.onStarted();
  };
  return (
    <section aria-labelledby="replay-title" class="card">
      <h2 id="replay-title">Replay events</h2>
      <form class="row wrap" onSubmit={(e) => void start(e)}>
        <label for="replay-since">From</label>
        <input
          id="replay-since"
          type="datetime-local"
          value={since}
          onInput={(e) => setSince(e.currentTarget.value)}
        />
        <label for="replay-until">To</label>
        <input
          id="replay-until"
          type="datetime-local"
          value={until}
          onInput={(e) => setUntil(e.currentTarget.value)}
        />
        <label class="inline">
          <input
            type="checkbox"
            checked={onlyFailed}
            onChange={(e) => setOnlyFailed(e.currentTarget.checked)}
          />
          Only failed deliveries
        </label>
        <button type="submit" disabled={action.busy}>
          Start replay
        </button>
      </form>
      {result && <Status>{result}</Status>}
      {action.error && <Alert>{action.error.message}</Alert>}
    </section>
  );
}
