// Which Service an ingress-nginx controller sends a request path to, so tests can
// assert the public API split (log-projector vs subscriptions) on the real manifest.
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';

interface Route {
  readonly path: string;
  readonly pathType: string;
  readonly service: string;
}

function routesFor(ingress: IIngress, host: string | undefined): Route[] {
  return (ingress.spec?.rules ?? [])
    .filter((rule) => rule.host === undefined || rule.host === host)
    .flatMap((rule) =>
      (rule.http?.paths ?? []).map((p) => ({
        path: p.path ?? '/',
        pathType: p.pathType,
        service: p.backend.service?.name ?? '',
      })),
    );
}

/** Kubernetes Prefix semantics: whole path elements, so /v2 matches /v2/x but not /v20. */
function prefixMatches(prefix: string, path: string): boolean {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
}

/**
 * With `nginx.ingress.kubernetes.io/use-regex: "true"` every path becomes a
 * case-insensitive regex anchored at the start, and ingress-nginx orders the
 * locations longest path first; the first that matches wins. Without it, Exact
 * beats Prefix and the longest prefix wins.
 */
export function routeIngressPath(ingress: IIngress, path: string, host?: string): string | undefined {
  const routes = routesFor(ingress, host);
  if (ingress.metadata?.annotations?.['nginx.ingress.kubernetes.io/use-regex'] === 'true') {
    const ordered = [...routes].sort((a, b) => b.path.length - a.path.length);
    return ordered.find((route) => new RegExp(`^${route.path}`, 'i').test(path))?.service;
  }
  const exact = routes.find((route) => route.pathType === 'Exact' && route.path === path);
  if (exact) return exact.service;
  const prefixes = routes.filter((route) => route.pathType !== 'Exact' && prefixMatches(route.path, path));
  return prefixes.sort((a, b) => b.path.length - a.path.length)[0]?.service;
}
