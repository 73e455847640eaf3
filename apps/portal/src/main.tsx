import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, type Session, useToken } from './api';
import { App } from './app';
import { applyTheme } from './theme';
import './style.css';

const STORAGE_KEY = 'hookstream-portal-token';

/** The link carries the token in its fragment; it is kept for this tab only, then the fragment is cleared. */
function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    try {
      sessionStorage.setItem(STORAGE_KEY, match[1]!);
    } catch {
      // Storage can be blocked inside a third-party frame; the token then lives in memory only.
    }
    history.replaceState(null, '', `${location.pathname}#/endpoints`);
    return match[1]!;
  }
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function Refused({ message }: { message: string }) {
  return (
    <main class="refused" aria-labelledby="refused-title">
      <h1 id="refused-title">This link cannot be used</h1>
      <p role="alert">{message}</p>
      <p>Ask for a new link from the application that sent you here.</p>
    </main>
  );
}

function Root() {
  const [session, setSession] = useState<Session | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    const token = takeToken();
    if (!token) return setRefusal('This page needs a portal link.');
    useToken(token);
    call<Session>('GET', '/portal/session').then(
      (s) => {
        applyTheme(s.theme);
        setSession(s);
      },
      (error: unknown) => {
        const expired = error instanceof ApiError && /expired/.test(error.message);
        setRefusal(
          expired ? 'This link has expired.' : error instanceof Error ? error.message : 'unknown error',
        );
      },
    );
  }, []);
  if (refusal) return <Refused message={refusal} />;
  if (!session)
    return (
      <p class="loading" aria-busy="true">
        Loading…
      </p>
    );
  return <App session={session} onExpired={() => setRefusal('This link has expired.')} />;
}

render(<Root />, document.getElementById('app')!);
