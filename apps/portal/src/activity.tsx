import { useEffect, useRef, useState } from 'preact/hooks';
import { call, enc, type HourStats, type Outcome, stream } from './api';
import { useLoad, when } from './ui';

const W = 480;
const H = 90;

/** Successes and failures per hour, and the average latency, over the last 24 hours. */
export function Chart(props: { id: string; tick: number; onExpired: () => void }) {
  const { data } = useLoad(
    () => call<{ hours: HourStats[] }>('GET', `/portal/webhooks/${enc(props.id)}/stats`),
    [props.id, props.tick],
    props.onExpired,
  );
  if (!data) return null;
  const hours = data.hours;
  const most = Math.max(1, ...hours.map((h) => h.succeeded + h.failed));
  const slowest = Math.max(1, ...hours.map((h) => h.avgMs ?? 0));
  const bar = W / hours.length;
  const total = (key: 'succeeded' | 'failed') => hours.reduce((sum, h) => sum + h[key], 0);
  const timed = hours.filter((h) => h.avgMs !== null);
  const avg = timed.length ? Math.round(timed.reduce((s, h) => s + h.avgMs!, 0) / timed.length) : null;
  const line = timed
    .map((h) => `${hours.indexOf(h) * bar + bar / 2},${H - (h.avgMs! / slowest) * (H - 6)}`)
    .join(' ');
  const summary = `Last 24 hours: ${total('succeeded')} succeeded, ${total('failed')} failed${
    avg === null ? '' : `, average latency ${avg} ms`
  }.`;
  return (
    <section aria-labelledby="chart-title" class="card">
      <h2 id="chart-title">Last 24 hours</h2>
      <p>{summary}</p>
      <div class="charts">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Attempts per hour. ${summary}`}>
          {hours.map((h, i) => {
            const ok = (h.succeeded / most) * H;
            const bad = (h.failed / most) * H;
            return (
              <g key={h.hour}>
                <rect class="ok" x={i * bar + 1} width={bar - 2} y={H - ok} height={ok} />
                <rect class="bad" x={i * bar + 1} width={bar - 2} y={H - ok - bad} height={bad} />
              </g>
            );
          })}
        </svg>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Average latency per hour, up to ${slowest} ms.`}
        >
          <polyline class="latency" points={line} fill="none" />
          {line
            .split(' ')
            .filter(Boolean)
            .map((point) => {
              const [x, y] = point.split(',');
              return <circle key={point} class="latency" cx={x} cy={y} r="3" />;
            })}
        </svg>
      </div>
      <p class="axis" aria-hidden="true">
        <span>24 h ago</span>
        <span>now</span>
      </p>
      <p class="legend">
        <span class="key ok" /> succeeded <span class="key bad" /> failed <span class="key latency" /> average
        latency (top: {slowest} ms)
      </p>
    </section>
  );
}

/** The endpoint's delivery outcomes as they happen. */
export function LiveTail(props: { id: string }) {
  const [on, setOn] = useState(false);
  const [lines, setLines] = useState<Outcome[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const toggle = () => {
    if (on) return (abort.current?.abort(), setOn(false));
    const controller = new AbortController();
    abort.current = controller;
    setOn(true);
    setProblem(null);
    stream(`/portal/webhooks/${enc(props.id)}/tail`, controller.signal, (data) =>
      setLines((previous) => [JSON.parse(data) as Outcome, ...previous].slice(0, 50)),
    ).then(
      () => setOn(false),
      (e: unknown) => {
        setOn(false);
        if (!controller.signal.aborted) setProblem(e instanceof Error ? e.message : String(e));
      },
    );
  };
  return (
    <section aria-labelledby="tail-title" class="card">
      <div class="row">
        <h2 id="tail-title">Live tail</h2>
        <button type="button" onClick={toggle} aria-pressed={on}>
          {on ? 'Stop live tail' : 'Start live tail'}
        </button>
      </div>
      {problem && <p class="alert">{problem}</p>}
      {on && lines.length === 0 && <p>Waiting for deliveries…</p>}
      <ol class="tail" aria-live="polite">
        {lines.map((o) => (
          <li key={`${o.dispatch_id}:${o.kind}:${o.attempt}:${o.occurred_at}`}>
            <span class={`pill ${o.kind}`}>{o.kind}</span> {when(o.occurred_at)}{' '}
            <span class="mono">{o.event_type}</span> {o.attempt > 0 ? `attempt ${o.attempt}` : 'queued'}{' '}
            {o.response_status ?? o.error_message ?? ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
