import { call, type Endpoint, type Page } from './api';
import type { Props } from './app';
import { Alert, statusOf, useLoad } from './ui';

const PAGE = 20;

export function Endpoints({ session, onExpired }: Props) {
  const offset = Number(new URLSearchParams(location.hash.split('?')[1] ?? '').get('offset') ?? 0) || 0;
  const { data, error } = useLoad(
    () => call<Page<Endpoint>>('GET', `/portal/webhooks?limit=${PAGE}&offset=${offset}`),
    [offset],
    onExpired,
  );
  return (
    <section aria-labelledby="endpoints-title">
      <div class="row">
        <h1 id="endpoints-title">Endpoints</h1>
        {session.permissions === 'manage' && (
          <a class="button primary" href="#/endpoints/new">
            Add endpoint
          </a>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      {data && data.items.length === 0 && <p>No endpoints yet.</p>}
      {data && data.items.length > 0 && (
        <table>
          <caption class="sr-only">Your webhook endpoints</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>
                  <a href={`#/endpoints/${endpoint.id}`}>{endpoint.name}</a>
                </td>
                <td class="mono">{endpoint.url}</td>
                <td>{endpoint.events.join(', ')}</td>
                <td>
                  <span class={`pill ${statusOf(endpoint).toLowerCase()}`}>{statusOf(endpoint)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.total > PAGE && (
        <nav class="pager" aria-label="Endpoint pages">
          {offset > 0 && <a href={`#/endpoints?offset=${Math.max(0, offset - PAGE)}`}>Previous</a>}
          <span>
            {offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}
          </span>
          {offset + PAGE < data.total && <a href={`#/endpoints?offset=${offset + PAGE}`}>Next</a>}
        </nav>
      )}
    </section>
  );
}
