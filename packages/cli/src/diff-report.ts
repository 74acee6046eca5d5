// `aiready diff` output: text for a terminal, Markdown short enough for a pull-request comment.
import type { DistDiff, ObjectChange, PoolDelta, TargetDiff } from './diff';
import type { FieldChange } from './diff-fields';
import type { CloudChange } from './diff-plan';

/** GitHub refuses comments over 65536 characters; stay well under. */
export const MARKDOWN_LIMIT = 60000;

/** A value as one short line: strings quoted, long ones cut, multi-line ones with their line count. */
export function showValue(v: unknown, width = 80): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string' && v.includes('\n')) {
    const lines = v.split('\n').length;
    return `${JSON.stringify(v.split('\n')[0].slice(0, width - 20))}… (${lines} lines)`;
  }
  const s = JSON.stringify(v);
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

function usd(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : `$${v.toFixed(2)}`;
}

function signed(n: number, money = false): string {
  const s = money ? `$${Math.abs(n).toFixed(2)}` : String(Math.abs(n));
  return n >= 0 ? `+${s}` : `-${s}`;
}

/** One line per pool change: nodes, GPUs and $/h, old → new. */
function poolLines(pools: readonly PoolDelta[]): string[] {
  return pools.map(({ pool, old, new: now }) => {
    if (!old) return `${pool}: added, ${now!.nodes} nodes, ${now!.maxGpus} GPUs, ${usd(now!.maxUsdPerHour)}/h at most`;
    if (!now) return `${pool}: removed (was ${old.nodes} nodes, ${old.maxGpus} GPUs, ${usd(old.maxUsdPerHour)}/h at most)`;
    const parts: string[] = [];
    if (old.nodes !== now.nodes) parts.push(`nodes ${old.nodes} → ${now.nodes}`);
    if (old.maxGpus !== now.maxGpus)
      parts.push(`max GPUs ${old.maxGpus} → ${now.maxGpus} (${signed(now.maxGpus - old.maxGpus)})`);
    if (old.maxGpuHoursPerDay !== now.maxGpuHoursPerDay)
      parts.push(`max GPU-h/day ${old.maxGpuHoursPerDay} → ${now.maxGpuHoursPerDay}`);
    if (old.maxUsdPerHour !== now.maxUsdPerHour) parts.push(`max $/h ${usd(old.maxUsdPerHour)} → ${usd(now.maxUsdPerHour)}`);
    return `${pool}: ${parts.join(', ')}`;
  });
}

function totalLine(t: TargetDiff): string | undefined {
  if (!t.usdPerHour) return undefined;
  const { old, new: now } = t.usdPerHour;
  const delta = old !== undefined && now !== undefined ? ` (${signed(now - old, true)})` : '';
  return `all pools at full size: ${usd(old)}/h → ${usd(now)}/h${delta}`;
}

const MARK: Record<ObjectChange['change'] | CloudChange['change'], string> = {
  added: '+',
  removed: '-',
  changed: '~',
  updated: '~',
  replaced: '±',
};

function fieldLine(f: FieldChange): string {
  return `${f.path}: ${showValue(f.old)} → ${showValue(f.new)}`;
}

function cloudHead(c: CloudChange): string {
  return `${MARK[c.change]} ${c.resource}${c.change === 'replaced' ? ` (replaced: ${c.replacedBy!.join(', ')} changed)` : c.change === 'updated' ? ' (updated in place)' : ''}`;
}

/** The diff for a terminal. */
export function textReport(diff: DistDiff): string {
  if (!diff.targets.length) return 'aiready diff: no differences\n';
  const out = [`aiready diff: ${diff.targets.length} ${diff.targets.length > 1 ? 'targets differ' : 'target differs'}`, ''];
  for (const t of diff.targets) {
    out.push(`${t.target} (${t.change})`);
    const cost = [...poolLines(t.pools), ...(totalLine(t) ? [totalLine(t)!] : [])];
    if (cost.length) out.push('  GPUs and cost (SUMMARY.md):', ...cost.map((l) => `    ${l}`));
    for (const c of t.components) {
      out.push(`  ${c.component}:`);
      for (const o of c.objects) {
        out.push(`    ${MARK[o.change]} ${o.object}`);
        for (const f of o.fields) out.push(`        ${fieldLine(f)}`);
      }
    }
    if (t.cloud.length) {
      out.push('  cloud resources (plan.json):');
      for (const c of t.cloud) {
        out.push(`    ${cloudHead(c)}`);
        for (const f of c.inputs) out.push(`        ${fieldLine(f)}`);
      }
    }
    if (t.otherFiles.length) out.push(`  other files changed: ${t.otherFiles.join(', ')}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function counts(items: readonly { change: string }[]): string {
  const by = new Map<string, number>();
  for (const i of items) by.set(i.change, (by.get(i.change) ?? 0) + 1);
  return [...by].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Markdown for one target; `detail` false leaves the field lists out (to fit a comment). */
function markdownTarget(t: TargetDiff, detail: boolean): string[] {
  const out = [`### \`${t.target}\` (${t.change})`, ''];
  const cost = [...poolLines(t.pools), ...(totalLine(t) ? [`**${totalLine(t)}**`] : [])];
  if (cost.length) out.push('**GPUs and cost**', '', ...cost.map((l) => `- ${l}`), '');
  if (t.components.length) {
    out.push('**Kubernetes objects**', '', '| component | object | change |', '| --- | --- | --- |');
    for (const c of t.components)
      for (const o of c.objects)
        out.push(
          `| ${c.component} | \`${mdEscape(o.object)}\` | ${o.change}${o.fields.length ? ` (${o.fields.length} field${o.fields.length > 1 ? 's' : ''})` : ''} |`,
        );
    out.push('');
    const changed = t.components.flatMap((c) => c.objects.filter((o) => o.fields.length).map((o) => ({ c, o })));
    if (detail && changed.length) {
      out.push('<details><summary>Changed fields</summary>', '', '```');
      for (const { c, o } of changed) {
        out.push(`${c.component}: ${o.object}`);
        for (const f of o.fields.slice(0, 25)) out.push(`  ${fieldLine(f)}`);
        if (o.fields.length > 25) out.push(`  … and ${o.fields.length - 25} more fields`);
      }
      out.push('```', '', '</details>', '');
    }
  }
  if (t.cloud.length) {
    out.push(`**Cloud resources** (${counts(t.cloud)})`, '', '| resource | change | inputs |', '| --- | --- | --- |');
    for (const c of t.cloud) {
      const inputs = c.inputs
        .slice(0, 5)
        .map((f) => `\`${mdEscape(fieldLine(f))}\``)
        .join('<br>');
      const more = c.inputs.length > 5 ? `<br>… and ${c.inputs.length - 5} more` : '';
      const change = c.change === 'replaced' ? `**replaced** (${c.replacedBy!.join(', ')})` : c.change;
      out.push(`| \`${mdEscape(c.resource)}\` | ${change} | ${inputs}${more} |`);
    }
    out.push('');
  }
  if (t.otherFiles.length) out.push(`Other files changed: ${t.otherFiles.map((f) => `\`${f}\``).join(', ')}`, '');
  return out;
}

/** The diff as Markdown for a pull-request comment, at most {@link MARKDOWN_LIMIT} characters. */
export function markdownReport(diff: DistDiff, title = 'aiready diff'): string {
  if (!diff.targets.length) return `## ${title}\n\nNo differences: every target synthesizes to the same files.\n`;
  const head = [
    `## ${title}`,
    '',
    `${diff.targets.length} ${diff.targets.length > 1 ? 'targets differ' : 'target differs'}: ${diff.targets.map((t) => `\`${t.target}\``).join(', ')}`,
    '',
  ];
  for (const detail of [true, false]) {
    const text = [...head, ...diff.targets.flatMap((t) => markdownTarget(t, detail))].join('\n').trimEnd();
    if (text.length < MARKDOWN_LIMIT) return `${text}\n`;
  }
  // Still too long: one line per target, and the pointer to the full diff.
  const summary = diff.targets.map(
    (t) =>
      `- \`${t.target}\`: ${t.components.reduce((n, c) => n + c.objects.length, 0)} objects, ${t.cloud.length} cloud resources${totalLine(t) ? `, ${totalLine(t)}` : ''}`,
  );
  return `${[...head, ...summary, '', 'Too many changes for a comment: run `aiready diff` locally for all of them.'].join('\n')}\n`;
}
