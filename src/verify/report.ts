// The "Verify replication" report as Markdown: a summary table (one row per secondary), then per
// secondary what drifted (with the differing fields), what was filtered out or is local, what
// could not be read, and what is in sync. Names come from servers, so they are escaped: the
// preview shows them as text, never as markup or HTML. Pure, no vscode.
import type { SecondaryReport, VerifyItem, VerifyItemKind, VerifyReport } from '../replication/verify.js';
import { escapeMarkdown, fillPlaceholders, markdownCode, type Translate } from '../text/index.js';

const KIND_LABEL: Record<VerifyItemKind, string> = { policy: 'policy', auth: 'auth method', secrets: 'secrets engine' };

/** What a reader calls an item: `policy "app"`, `auth method auth/userpass/`. */
export function itemLabel(item: Pick<VerifyItem, 'kind' | 'key'>): string {
  if (item.kind === 'policy') return `policy "${item.key}"`;
  return `${KIND_LABEL[item.kind]} ${item.kind === 'auth' ? `auth/${item.key}` : item.key}`;
}

function verdictText(s: SecondaryReport, t: Translate): string {
  switch (s.verdict) {
    case 'in-sync': return t('in sync');
    case 'drifted': return t('DRIFTED');
    case 'incomplete': return t('incomplete');
    default: return t('UNREACHABLE');
  }
}

function driftText(item: VerifyItem, primary: string, secondary: string, t: Translate): string {
  if (item.drift === 'missing') return t('missing on {0}', secondary);
  if (item.drift === 'extra') return t('only on {0}, not on {1}', secondary, primary);
  if (item.kind === 'policy') return t('text differs');
  return t('settings differ');
}

function filterText(s: SecondaryReport, t: Translate): string {
  if (s.filterError !== undefined) return t('could not be read ({0})', escapeMarkdown(s.filterError));
  if (!s.pathsFilter) return t('none');
  const paths = s.pathsFilter.paths.length > 0 ? s.pathsFilter.paths.map((p) => markdownCode(p)).join(', ') : t('(no paths)');
  return `${escapeMarkdown(s.pathsFilter.mode)} ${paths}`;
}

function section(lines: string[], title: string, items: readonly VerifyItem[], render: (i: VerifyItem) => string): void {
  if (items.length === 0) return;
  lines.push(`#### ${title} (${items.length})`, '');
  for (const i of items) lines.push(`- ${render(i)}`);
  lines.push('');
}

/**
 * The whole report. `diffHint` is the sentence telling how to open the diff of a drifted item
 * (a command name), shown once above the drift lists.
 */
export function renderVerifyReport(report: VerifyReport, opts: { t?: Translate; diffHint?: string; timeZone?: string } = {}): string {
  const t = opts.t ?? fillPlaceholders;
  const when = new Date(report.checkedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const result = report.verdict === 'in-sync' ? t('in sync') : report.verdict === 'drifted' ? t('DRIFT FOUND') : t('INCOMPLETE');
  const lines: string[] = [
    `# ${t('Replication verification of {0}', escapeMarkdown(report.primary))}`,
    '',
    `${t('Checked {0}', when)} · ${t('{0} performance secondaries', report.secondaries.length)} · **${t('Result: {0}', result)}**`,
    '',
  ];
  if (report.secondaries.length === 0) {
    lines.push(t('{0} has no performance secondaries to compare.', escapeMarkdown(report.primary)), '');
  } else {
    lines.push(
      `| ${t('Secondary')} | ${t('Result')} | ${t('In sync')} | ${t('Drifted')} | ${t('Filtered out')} | ${t('Local')} | ${t('Unreadable')} |`,
      '|---|---|---:|---:|---:|---:|---:|',
    );
    for (const s of report.secondaries) {
      const c = s.counts;
      lines.push(`| ${escapeMarkdown(s.name)} | **${verdictText(s, t)}** | ${c['in-sync']} | ${c.drifted} | ${c.filtered} | ${c.local} | ${c.error} |`);
    }
    lines.push('');
  }
  if (opts.diffHint && report.secondaries.some((s) => s.counts.drifted > 0)) lines.push(`> ${opts.diffHint}`, '');

  for (const s of report.secondaries) {
    lines.push(`## ${escapeMarkdown(s.name)}: ${verdictText(s, t)}`, '');
    if (s.verdict === 'unreachable') {
      lines.push(t('Could not be compared: {0}', escapeMarkdown(s.error ?? t('not read'))), '');
      continue;
    }
    lines.push(`${t('Paths filter on {0}:', escapeMarkdown(report.primary))} ${filterText(s, t)}`, '');
    const by = (status: VerifyItem['status']) => s.items.filter((i) => i.status === status);
    section(lines, t('Drifted'), by('drifted'), (i) => {
      const head = `**${escapeMarkdown(itemLabel(i))}**: ${escapeMarkdown(driftText(i, report.primary, s.name, t))}`;
      const fields = (i.differences ?? []).map((d) => `${markdownCode(d.field)} ${escapeMarkdown(`${d.primary ?? t('(absent)')} → ${d.secondary ?? t('(absent)')}`)}`);
      const note = i.reason ? ` (${escapeMarkdown(i.reason)})` : '';
      return fields.length > 0 ? `${head}: ${fields.join('; ')}${note}` : head + note;
    });
    section(lines, t('Unreadable'), by('error'), (i) => `${escapeMarkdown(itemLabel(i))}: ${escapeMarkdown(i.reason ?? '')}`);
    section(lines, t('Filtered out by the paths filter'), by('filtered'), (i) => `${escapeMarkdown(itemLabel(i))}: ${escapeMarkdown(i.reason ?? '')}`);
    section(lines, t('Local mounts (not replicated)'), by('local'), (i) => `${escapeMarkdown(itemLabel(i))}: ${escapeMarkdown(i.reason ?? '')}`);
    const inSync = by('in-sync');
    if (inSync.length > 0) {
      lines.push(`#### ${t('In sync')} (${inSync.length})`, '');
      for (const kind of ['policy', 'auth', 'secrets'] as const) {
        const keys = inSync.filter((i) => i.kind === kind).map((i) => escapeMarkdown(kind === 'auth' ? `auth/${i.key}` : i.key));
        if (keys.length > 0) lines.push(`- ${KIND_LABEL[kind]}: ${keys.join(', ')}`);
      }
      lines.push('');
    }
  }
  lines.push('---', '', t('Compared: ACL policies by text (root skipped); auth methods and secrets engines by type, description, config, options, seal wrap, entropy access and plugin version. Local mounts are not replicated and never count as drift. A paths filter entry covers the mount (or namespace) it names; policies are only filtered with their namespace.'), '');
  return lines.join('\n');
}
