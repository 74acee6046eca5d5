// The GPU and cost facts `aiready diff` compares, read back from SUMMARY.md's pool table (see
// summary.ts: the columns are found by their headers, so a reordered table still reads).

/** What SUMMARY.md says of one pool. */
export interface PoolFacts {
  /** `min-max`. */
  readonly nodes: string;
  readonly maxGpus: number;
  readonly maxGpuHoursPerDay: number;
  /** Most $/h at full size; null when no instance type has a verified price. */
  readonly maxUsdPerHour: number | null;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function money(cell: string | undefined): number | null {
  const m = /^\$([\d.]+)$/.exec(cell ?? '');
  return m ? Number(m[1]) : null;
}

/** Pools of the `## GPU pools` table, by name. */
export function parseSummaryPools(summary: string): Map<string, PoolFacts> {
  const lines = summary.split('\n');
  const start = lines.indexOf('## GPU pools');
  const out = new Map<string, PoolFacts>();
  if (start < 0) return out;
  const headerAt = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  if (headerAt < 0) return out;
  const header = cells(lines[headerAt]);
  const col = (name: string) => header.indexOf(name);
  for (let i = headerAt + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const row = cells(lines[i]);
    out.set(row[col('pool')], {
      nodes: row[col('nodes')],
      maxGpus: Number(row[col('max GPUs')]),
      maxGpuHoursPerDay: Number(row[col('max GPU-h/day')]),
      maxUsdPerHour: money(row[col('max $/h')]),
    });
  }
  return out;
}

/** The platform's most $/h at full size (`At full size the pools cost at most about $X/h`). */
export function summaryTotal(summary: string): number | undefined {
  const m = /cost at most about \$([\d.]+)\/h/.exec(summary);
  return m ? Number(m[1]) : undefined;
}
