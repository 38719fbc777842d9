/** The text an import prints at the end: what was imported, and what was skipped and why. */
import type { ImportReport } from '../library/index.js';

/** Items listed under each skip reason before "... and N more", so a huge folder gives a readable summary. */
const LISTED_PER_REASON = 20;

/**
 * The end-of-import summary: how many were imported (by kind), how many skipped, grouped by reason with the
 * items (and their particulars) under each. Reasons are listed most frequent first.
 */
export function formatImportSummary(report: ImportReport): string {
  const lines: string[] = [];
  const kinds = countBy(report.imported.map((item) => item.kind));
  const kindText = [...kinds].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
  lines.push(`imported ${report.imported.length}${kindText ? ` (${kindText})` : ''}`);
  lines.push(`skipped ${report.skipped.length}${report.skipped.length > 0 ? ':' : ''}`);
  const byReason = new Map<string, ImportReport['skipped']>();
  for (const skip of report.skipped) byReason.set(skip.reason, [...(byReason.get(skip.reason) ?? []), skip]);
  for (const [reason, items] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${reason}: ${items.length}`);
    for (const skip of items.slice(0, LISTED_PER_REASON)) lines.push(`    ${skip.item}${skip.detail ? ` (${skip.detail})` : ''}`);
    if (items.length > LISTED_PER_REASON) lines.push(`    ... and ${items.length - LISTED_PER_REASON} more`);
  }
  return `${lines.join('\n')}\n`;
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
