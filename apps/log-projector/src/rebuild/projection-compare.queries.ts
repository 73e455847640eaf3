import type { QueryRunner } from 'typeorm';
import { PROJECTION_TABLES } from '../migrations';
import { quoteIdent, selectRows } from '../tables/projection.sql';

type Row = Record<string, unknown>;

export interface RowDiff {
  key: string;
  live: Row | null;
  rebuild: Row | null;
  /** Columns whose values differ, when the row exists on both sides. */
  columns: string[];
}

export interface TableDiff {
  table: string;
  /** Rows present on one side only (a changed row counts once per side). */
  total: number;
  /** The first differing rows, paired by primary key. */
  rows: RowDiff[];
}

const KEYS: Record<(typeof PROJECTION_TABLES)[number], string[]> = {
  dispatches: ['id'],
  dispatch_rounds: ['dispatch_id', 'round'],
  attempts: ['id'],
  checkpoints: ['projection'],
};

const SHOWN = 50;

/** Row-for-row comparison (EXCEPT ALL both ways) of every projection table in two schemas. */
export async function compareTables(
  runner: QueryRunner,
  live: string,
  rebuild: string,
): Promise<TableDiff[]> {
  const diffs: TableDiff[] = [];
  for (const table of PROJECTION_TABLES) {
    const l = `${quoteIdent(live)}.${table}`;
    const r = `${quoteIdent(rebuild)}.${table}`;
    const rows = await selectRows<{ side: 'live' | 'rebuild'; row: Row; total: string }>(
      runner,
      `SELECT side, row, count(*) OVER () AS total FROM (
         SELECT 'live' AS side, to_jsonb(x) AS row FROM (SELECT * FROM ${l} EXCEPT ALL SELECT * FROM ${r}) x
         UNION ALL
         SELECT 'rebuild' AS side, to_jsonb(y) AS row FROM (SELECT * FROM ${r} EXCEPT ALL SELECT * FROM ${l}) y
       ) d LIMIT ${SHOWN * 2}`,
    );
    diffs.push({ table, total: Number(rows[0]?.total ?? 0), rows: pairRows(rows, KEYS[table]) });
  }
  return diffs;
}

function pairRows(rows: Array<{ side: 'live' | 'rebuild'; row: Row }>, key: string[]): RowDiff[] {
  const byKey = new Map<string, RowDiff>();
  for (const { side, row } of rows) {
    const id = key.map((k) => String(row[k])).join('/');
    const entry = byKey.get(id) ?? { key: id, live: null, rebuild: null, columns: [] };
    entry[side] = row;
    byKey.set(id, entry);
  }
  const out = [...byKey.values()].slice(0, SHOWN);
  for (const entry of out) {
    if (entry.live && entry.rebuild) {
      const { live, rebuild } = entry;
      entry.columns = Object.keys(live).filter((c) => JSON.stringify(live[c]) !== JSON.stringify(rebuild[c]));
    }
  }
  return out;
}

/** Human-readable report: "equal", or each table's differing rows. */
export function formatReport(report: { equal: boolean; checkpoint: number; diffs: TableDiff[] }): string {
  if (report.equal) return `equal: the rebuilt tables match the live ones at sequence ${report.checkpoint}\n`;
  const lines = [`different at sequence ${report.checkpoint}:`];
  for (const diff of report.diffs.filter((d) => d.total > 0)) {
    lines.push(`  ${diff.table}: ${diff.total} row(s) differ`);
    for (const row of diff.rows) {
      if (!row.rebuild) lines.push(`    ${row.key}: only in the live table`);
      else if (!row.live) lines.push(`    ${row.key}: only in the rebuild`);
      else {
        const detail = row.columns.map(
          (c) => `${c} live=${JSON.stringify(row.live?.[c])} rebuild=${JSON.stringify(row.rebuild?.[c])}`,
        );
        lines.push(`    ${row.key}: ${detail.join(', ')}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
