import { publishBacklog } from './event.publisher';
import type { Platform } from './platform.stack';
import type { ReceiverProcess } from '@hookstream/testing';

export interface BenchTenant {
  organizationId: string;
  fanout: number;
  subscriptionIds: string[];
}

/** An organization whose every workflow.completed event goes to `fanout` subscriptions, each on its own receiver path. */
export async function createTenant(
  platform: Platform,
  receiver: ReceiverProcess,
  fanout: number,
): Promise<BenchTenant> {
  const { organizationId, key } = await platform.tenant(`bench fan-out ${fanout}`);
  const subscriptionIds: string[] = [];
  for (let i = 0; i < fanout; i++)
    subscriptionIds.push(await platform.subscribe(key, `${receiver.origin}/fanout-${fanout}/${i}`));
  return { organizationId, fanout, subscriptionIds };
}

/**
 * Subscriptions reach the dispatchers' routing tables through the outbox and SUBSCRIPTIONS, a
 * moment after they are created: probe events go out until one arrives at every subscription.
 */
export async function waitUntilRouted(
  platform: Platform,
  receiver: ReceiverProcess,
  tenant: BenchTenant,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; Date.now() < deadline; round++) {
    const prefix = `evt_probe_${tenant.organizationId}_${round}_`;
    await publishBacklog(platform.js, tenant.organizationId, prefix, 1);
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      const records = await receiver.records(prefix);
      if (new Set(records.paths).size >= tenant.fanout) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`subscriptions of ${tenant.organizationId} not routed after ${timeoutMs} ms`);
}
