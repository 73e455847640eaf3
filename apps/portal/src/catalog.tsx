import { call, type EventType } from './api';
import { Alert, Json, useLoad } from './ui';

export function Catalog({ onExpired }: { onExpired: () => void }) {
  const { data, error } = useLoad(
    () => call<{ items: EventType[] }>('GET', '/portal/event-types'),
    [],
    onExpired,
  );
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Event catalog</h1>
      <p>Every event type you can subscribe an endpoint to, with the shape of its data.</p>
      {error && <Alert>{error}</Alert>}
      {data?.items.map((type) => (
        <details key={type.name} class="card">
          <summary>
            <span class="mono">{type.name}</span> — {type.description || 'No description'}
          </summary>
          <h2 class="h4">Example payload</h2>
          {type.example === null ? (
            <p>No example for this type.</p>
          ) : (
            <Json value={type.example} label={`Example of ${type.name}`} />
          )}
          <h2 class="h4">JSON Schema</h2>
          <Json value={type.schema} label={`Schema of ${type.name}`} />
        </details>
      ))}
    </section>
  );
}
