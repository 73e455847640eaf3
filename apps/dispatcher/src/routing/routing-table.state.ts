import type { OrganizationId, SubscriptionId } from '@hookstream/contracts';
import { matchesAny } from '@hookstream/webhooks';
import { disabledRoute, type Route } from './route.state';

/** Bounds the per-organization match cache: event types are few, but nothing stops a publisher inventing many. */
const MAX_CACHED_TYPES_PER_ORGANIZATION = 2_000;

interface OrganizationRoutes {
  readonly routes: Map<string, Route>;
  /** Active routes per event type; cleared whenever one of the organization's routes changes. */
  readonly matches: Map<string, readonly Route[]>;
}

export type RouteLookup =
  | { kind: 'found'; route: Route }
  | { kind: 'deleted' }
  /** Never seen: the subscription may be newer than this table. */
  | { kind: 'unknown' };

/** Every subscription in memory, indexed by organization for matching and by id for attempts. */
export class RoutingTable {
  private readonly byId = new Map<string, Route>();
  private readonly byOrganization = new Map<string, OrganizationRoutes>();
  private readonly deleted = new Set<string>();
  /** Disabled here, waiting for the subscriptions service to record it: survives until a newer state. */
  private readonly disabledHere = new Map<string, { reason: string; stateUpdatedAtMs: number }>();

  /** Every subscription held, deleted ones excepted. */
  routes(): IterableIterator<Route> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  upsert(route: Route): void {
    const previous = this.byId.get(route.id);
    if (previous && previous.organizationId !== route.organizationId) this.remove(previous.id);
    this.deleted.delete(route.id);
    const disabled = this.disabledHere.get(route.id);
    let effective = route;
    if (disabled !== undefined) {
      if (route.updatedAtMs > disabled.stateUpdatedAtMs || !route.active) this.disabledHere.delete(route.id);
      else effective = disabledRoute(route, disabled.reason);
    }
    this.byId.set(route.id, effective);
    const organization = this.organization(route.organizationId);
    organization.routes.set(route.id, effective);
    organization.matches.clear();
  }

  remove(id: SubscriptionId): void {
    this.deleted.add(id);
    this.disabledHere.delete(id);
    const route = this.byId.get(id);
    if (!route) return;
    this.byId.delete(id);
    const organization = this.byOrganization.get(route.organizationId);
    if (!organization) return;
    organization.routes.delete(id);
    organization.matches.clear();
    if (organization.routes.size === 0) this.byOrganization.delete(route.organizationId);
  }

  /** Stops deliveries to a subscription at once; returns the route as it was, undefined when already inactive. */
  disable(id: SubscriptionId, reason: string): Route | undefined {
    const route = this.byId.get(id);
    if (!route || !route.active) return undefined;
    this.disabledHere.set(id, { reason, stateUpdatedAtMs: route.updatedAtMs });
    this.upsert(route);
    return route;
  }

  lookup(id: SubscriptionId): RouteLookup {
    const route = this.byId.get(id);
    if (route) return { kind: 'found', route };
    return this.deleted.has(id) ? { kind: 'deleted' } : { kind: 'unknown' };
  }

  /** Active routes of the organization whose patterns select the type. */
  matching(organizationId: OrganizationId, type: string): readonly Route[] {
    const organization = this.byOrganization.get(organizationId);
    if (!organization) return [];
    const cached = organization.matches.get(type);
    if (cached) return cached;
    const found: Route[] = [];
    for (const route of organization.routes.values()) {
      if (route.active && matchesAny(route.state.events, type)) found.push(route);
    }
    if (organization.matches.size >= MAX_CACHED_TYPES_PER_ORGANIZATION) organization.matches.clear();
    organization.matches.set(type, found);
    return found;
  }

  private organization(organizationId: string): OrganizationRoutes {
    let organization = this.byOrganization.get(organizationId);
    if (!organization) {
      organization = { routes: new Map(), matches: new Map() };
      this.byOrganization.set(organizationId, organization);
    }
    return organization;
  }
}
