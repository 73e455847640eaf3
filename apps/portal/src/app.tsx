import type { Session } from './api';
import { Catalog } from './catalog';
import { EndpointForm } from './endpoint-form';
import { EndpointPage } from './endpoint-page';
import { Endpoints } from './endpoints';
import { useRoute } from './route';

export interface Props {
  session: Session;
  onExpired: () => void;
}

function Screen({ session, onExpired }: Props) {
  const [section, id, sub] = useRoute();
  if (section === 'catalog') return <Catalog onExpired={onExpired} />;
  // Keyed by id: another endpoint starts with fresh state (no secret or notice of the previous one).
  if (id === 'new') return <EndpointForm key="new" session={session} onExpired={onExpired} />;
  if (id && sub === 'edit')
    return <EndpointForm key={`edit-${id}`} session={session} id={id} onExpired={onExpired} />;
  if (id) return <EndpointPage key={id} session={session} id={id} onExpired={onExpired} />;
  return <Endpoints session={session} onExpired={onExpired} />;
}

export function App(props: Props) {
  const { theme, permissions, expiresAt } = props.session;
  const [section] = useRoute();
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        {theme.logoUrl && <img src={theme.logoUrl} alt="" class="logo" />}
        <span class="brand">{theme.title ?? 'Webhooks'}</span>
        <nav aria-label="Sections">
          <a href="#/endpoints" aria-current={section !== 'catalog' ? 'page' : undefined}>
            Endpoints
          </a>
          <a href="#/catalog" aria-current={section === 'catalog' ? 'page' : undefined}>
            Event catalog
          </a>
        </nav>
        <span class="session">
          {permissions === 'read' && <span class="badge">Read-only</span>} Link valid until{' '}
          {new Date(expiresAt).toLocaleString()}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen {...props} />
      </main>
    </>
  );
}
