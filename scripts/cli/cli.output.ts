/** One column of a table: a header and how to read a cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longer cells are cut with an ellipsis, so that one long URL does not wrap every line. */
  max?: number;
}

/** How a value reads in a cell: empty for null, JSON for objects. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  return JSON.stringify(value);
}

const cut = (text: string, max: number | undefined): string =>
  max !== undefined && text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

/** Left-aligned columns separated by two spaces; the last column is never padded. */
export function renderTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const cells = rows.map((row) => columns.map((column) => cut(oneLine(cell(column.value(row))), column.max)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]!.length)),
  );
  const render = (line: string[]): string =>
    line
      .map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n') + '\n';
}

/** `label  value` pairs, labels aligned, for one resource. */
export function renderFields(fields: ReadonlyArray<readonly [string, unknown]>): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${cell(value)}`.trimEnd()).join('\n') + '\n';
}

/** Where commands write: stdout for results, stderr for notes; JSON instead of text under --json. */
export class Output {
  constructor(readonly json: boolean) {}

  /** The result: `value` as JSON under --json, otherwise the text `render` makes of it. */
  result<T>(value: T, render: (value: T) => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : render(value));
  }

  /** One line of a stream (deliveries tail): NDJSON under --json. */
  streamLine<T>(value: T, render: (value: T) => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(value)}\n` : `${render(value)}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}
