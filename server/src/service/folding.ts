// Folding: one range per statement that spans lines, and one per multi-line property list.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { DocumentState } from './documents';

export function foldingRanges(doc: DocumentState): FoldingRange[] {
  const out: FoldingRange[] = [];
  const at = (offset: number): number => doc.document.positionAt(offset).line;
  for (const r of doc.statements) {
    const start = at(r.start);
    const end = at(r.end);
    if (end > start) out.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Region });
  }
  for (const parsed of doc.parse.statements) {
    const st = parsed.statement;
    if (st?.kind !== 'createRoutineLoad' && st?.kind !== 'alterRoutineLoad') continue;
    for (const body of [st.jobProperties?.bodySpan, st.dataSource?.bodySpan]) {
      if (!body) continue;
      const start = at(body.start);
      // Keep the closing `)` visible.
      const end = at(body.end) - 1;
      if (end > start) out.push({ startLine: start, endLine: end });
    }
  }
  return out;
}
