import { round } from './stats';

/** A plain-text table, columns right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const ragged = rows.find((r) => r.length !== headers.length);
  if (ragged) throw new Error(`table row of ${ragged.length} cells under ${headers.length} headers`);
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A figure rounded for a table; '-' when absent. */
export const n = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '-' : round(value, digits).toLocaleString('en-US');
