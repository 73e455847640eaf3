import { useEffect, useState } from 'preact/hooks';
import { call, type Endpoint, enc, type EventType } from './api';
import type { Props } from './app';
import { EventPicker } from './event-picker';
import { go } from './route';
import { Alert, useAction, useLoad } from './ui';

const FIELDS = ['name', 'url', 'events'] as const;

/** Create (no id) or edit an endpoint; the API's validation messages appear at their field. */
export function EndpointForm({ id, onExpired }: Props & { id?: string }) {
  const catalog = useLoad(() => call<{ items: EventType[] }>('GET', '/portal/event-types'), [], onExpired);
  const existing = useLoad(
    () => (id ? call<Endpoint>('GET', `/webhooks/${enc(id)}`) : Promise.resolve(null)),
    [id],
    onExpired,
  );
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [events, setEvents] = useState<string[]>([]);
  const [created, setCreated] = useState<Endpoint | null>(null);
  const [loaded, setLoaded] = useState(id === undefined);
  const action = useAction(onExpired);
  useEffect(() => {
    const e = existing.data;
    if (e) {
      setName(e.name);
      setUrl(e.url);
      setEvents(e.events);
      setLoaded(true);
    }
  }, [existing.data]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const body = { name, url, events };
    const saved = await action.run(() =>
      id ? call<Endpoint>('PATCH', `/webhooks/${enc(id)}`, body) : call<Endpoint>('POST', '/webhooks', body),
    );
    if (!saved) return document.querySelector<HTMLElement>('[aria-invalid="true"], .alert')?.focus();
    if (id) go(`endpoints/${saved.id}`);
    else setCreated(saved);
  };

  if (created) return <SecretOnce endpoint={created} />;
  if (existing.error) return <Alert>{existing.error}</Alert>;
  // An edit form starts from the stored endpoint, never from blanks typed over by its arrival.
  if (!loaded) return <p aria-busy="true">Loading…</p>;
  const problems = action.error?.problems(FIELDS) ?? [];
  const errorOf = (field: string) => problems.filter((p) => p.field === field).map((p) => p.message);
  const general = problems.filter((p) => p.field === null);
  const describe = (field: string) => (errorOf(field).length > 0 ? `${field}-error` : undefined);
  return (
    <section aria-labelledby="form-title">
      <h1 id="form-title">{id ? 'Edit endpoint' : 'Add endpoint'}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {general.length > 0 && (
          <div class="alert" role="alert" tabIndex={-1}>
            {general.map((p) => (
              <p key={p.message}>{p.message}</p>
            ))}
          </div>
        )}
        <Field id="name" label="Name" errors={errorOf('name')}>
          <input
            id="name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={errorOf('name').length > 0}
            aria-describedby={describe('name')}
          />
        </Field>
        <Field id="url" label="URL" hint="Where events are sent, with https." errors={errorOf('url')}>
          <input
            id="url"
            type="url"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
            aria-invalid={errorOf('url').length > 0}
            aria-describedby={describe('url') ?? 'url-hint'}
          />
        </Field>
        <fieldset aria-invalid={errorOf('events').length > 0} aria-describedby={describe('events')}>
          <legend>Events</legend>
          <EventPicker types={catalog.data?.items ?? []} value={events} onChange={setEvents} />
          {errorOf('events').map((m) => (
            <p class="field-error" id="events-error" key={m}>
              {m}
            </p>
          ))}
        </fieldset>
        <div class="row">
          <button class="primary" type="submit" disabled={action.busy}>
            {id ? 'Save changes' : 'Create endpoint'}
          </button>
          <a class="button" href={id ? `#/endpoints/${id}` : '#/endpoints'}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

function Field(props: {
  id: string;
  label: string;
  hint?: string;
  errors: string[];
  children: preact.ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.children}
      {props.errors.map((m) => (
        <p class="field-error" id={`${props.id}-error`} key={m}>
          {m}
        </p>
      ))}
    </div>
  );
}

/** The signing secret is shown this once; afterwards the API never returns it. */
export function SecretOnce({
  endpoint,
  rotated,
  onDone,
}: {
  endpoint: Endpoint;
  rotated?: string;
  onDone?: () => void;
}) {
  return (
    <section aria-labelledby="secret-title" class="card">
      <h1 id="secret-title">{rotated ? 'New signing secret' : 'Endpoint created'}</h1>
      <p>
        Copy the signing secret of <strong>{endpoint.name}</strong> now: it is shown only this once.
        {rotated && ` ${rotated}`}
      </p>
      <label for="secret">Signing secret</label>
      <input
        id="secret"
        class="mono secret"
        readOnly
        value={endpoint.secret ?? ''}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div class="row">
        {onDone ? (
          <button type="button" class="primary" onClick={onDone}>
            Go to endpoint
          </button>
        ) : (
          <a class="button primary" href={`#/endpoints/${endpoint.id}`}>
            Go to endpoint
          </a>
        )}
      </div>
    </section>
  );
}
