/** Wire profiles (docs/architecture.md §7): one subscription, one wire format. */
export const PROFILES = ['standard', 'kaizen', 'maxun', 'elan', 'apify'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(value: unknown): value is Profile {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}
