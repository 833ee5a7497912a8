// The outline: jobs (with the statements that control them) and tables (with their columns).
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { Span } from '../language/ast';
import type { DocumentState } from './documents';

export function documentSymbols(doc: DocumentState): DocumentSymbol[] {
  const range = (s: Span): Range => ({ start: doc.document.positionAt(s.start), end: doc.document.positionAt(s.end) });
  const out: DocumentSymbol[] = [];
  for (const parsed of doc.parse.statements) {
    const st = parsed.statement;
    if (!st) continue;
    const full = range(parsed.span);
    switch (st.kind) {
      case 'createRoutineLoad': {
        const topic = st.dataSource?.properties.find((p) => p.key.value.toLowerCase() === 'kafka_topic')?.value.value;
        out.push({
          name: qualified(st.job.db?.name, st.job.name.name) || '(unnamed job)',
          detail: `ROUTINE LOAD ON ${qualified(st.table.db?.name, st.table.name.name)}${topic ? ` ← ${topic}` : ''}`,
          kind: SymbolKind.Event,
          range: full,
          selectionRange: range(st.job.name.span),
        });
        break;
      }
      case 'alterRoutineLoad':
      case 'pauseRoutineLoad':
      case 'resumeRoutineLoad':
      case 'stopRoutineLoad': {
        const verb = { alterRoutineLoad: 'ALTER', pauseRoutineLoad: 'PAUSE', resumeRoutineLoad: 'RESUME', stopRoutineLoad: 'STOP' }[st.kind];
        out.push({
          name: `${verb} ${qualified(st.job.db?.name, st.job.name.name)}`,
          detail: 'ROUTINE LOAD',
          kind: SymbolKind.Method,
          range: full,
          selectionRange: range(st.job.name.span),
        });
        break;
      }
      case 'createTable':
        out.push({
          name: qualified(st.table.db?.name, st.table.name.name) || '(unnamed table)',
          detail: 'TABLE',
          kind: SymbolKind.Class,
          range: full,
          selectionRange: range(st.table.name.span),
          children: st.columns.map((c) => ({
            name: c.name.name,
            detail: c.type.params.length ? `${c.type.name}(${c.type.params.join(',')})` : c.type.name,
            kind: SymbolKind.Field,
            range: range(c.span),
            selectionRange: range(c.name.span),
          })),
        });
        break;
      default:
        break;
    }
  }
  return out;
}

function qualified(db: string | undefined, name: string): string {
  return db ? `${db}.${name}` : name;
}
