/**
 * Names of the fields of `desired` whose value differs in `current` (arrays compared as sets).
 * Fields the server fills in but we never set are ignored, so provisioning stays idempotent.
 */
export function configDrift(current: object, desired: object): string[] {
  const actual = current as Record<string, unknown>;
  return Object.entries(desired)
    .filter(([key, value]) => value !== undefined && !sameValue(actual[key], value))
    .map(([key]) => key);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = a.map(String).sort();
    const right = b.map(String).sort();
    return left.length === right.length && left.every((v, i) => v === right[i]);
  }
  return a === b;
}
