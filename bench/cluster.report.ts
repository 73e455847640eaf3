import type { DrainResult } from './drain.scenario';
import { round } from './stats';

const n = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '-' : round(value, digits).toLocaleString('en-US');

/** Each drain on the cluster beside the same drain on one node: the ratio is the cost of replication. */
export function formatClusterDrains(
  single: readonly DrainResult[],
  cluster: { nodes: number; replicas: number; syncAlways: boolean; drains: readonly DrainResult[] },
): string {
  const headers = [
    'run',
    'deliv/s 1 node',
    `deliv/s ${cluster.nodes} nodes`,
    'ratio',
    'rows/s 1 node',
    `rows/s ${cluster.nodes} nodes`,
    'log lag ms',
    'dup',
  ];
  const rows = cluster.drains.map((c) => {
    const s = single.find((d) => d.label === c.label);
    return [
      c.label,
      n(s?.deliveriesPerSecond),
      n(c.deliveriesPerSecond),
      s ? n(c.deliveriesPerSecond / s.deliveriesPerSecond, 2) : '-',
      n(s?.logRowsPerSecond),
      n(c.logRowsPerSecond),
      n(c.logLagMs),
      String(c.duplicates),
    ];
  });
  const cells = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [
    `\nDrain on a ${cluster.nodes}-node cluster, streams at R${cluster.replicas}, sync_interval ${cluster.syncAlways ? 'always' : 'default (server before 2.10)'}, beside one node`,
    line(headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
