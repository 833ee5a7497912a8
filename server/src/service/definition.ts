// Go to definition: a job name → its CREATE ROUTINE LOAD, a table → its CREATE TABLE, a column
// of a job → the column in its table's CREATE TABLE; anywhere in the workspace.
import type { Location } from 'vscode-languageserver-types';
import type { Span, Statement } from '../language/ast';
import type { DocumentState } from './documents';
import { locate } from './locate';
import type { Workspace } from './workspace';

export function definition(doc: DocumentState, offset: number, workspace: Workspace, toLocation: (uri: string, span: Span) => Location | undefined): Location[] {
  const hit = locate(doc.parse, offset);
  if (!hit) return [];
  const out: Location[] = [];
  const push = (uri: string, span: Span): void => {
    const l = toLocation(uri, span);
    if (l) out.push(l);
  };
  switch (hit.kind) {
    case 'job':
      for (const j of workspace.findJobs(hit.name.name.name, hit.name.db?.name, doc.uri)) push(j.uri, j.nameSpan);
      break;
    case 'table':
      for (const t of workspace.findTables(hit.name.name.name, hit.name.db?.name, doc.uri)) push(t.uri, t.nameSpan);
      break;
    case 'column': {
      const table = targetOf(hit.statement, workspace, doc.uri);
      const def = table ? workspace.findTables(table.name, table.db, doc.uri)[0] : undefined;
      const col = def?.statement.columns.find((c) => c.name.name.toLowerCase() === hit.name.toLowerCase());
      if (def && col) push(def.uri, col.name.span);
      break;
    }
    default:
      break;
  }
  return out;
}

/** The table a job statement loads into; ALTER finds it through the job's CREATE. */
export function targetOf(st: Statement, workspace: Workspace, preferUri: string): { db?: string; name: string } | undefined {
  if (st.kind === 'createRoutineLoad') return { db: st.table.db?.name, name: st.table.name.name };
  if (st.kind === 'alterRoutineLoad') {
    const job = workspace.findJobs(st.job.name.name, st.job.db?.name, preferUri)[0];
    if (job) return { db: job.statement.table.db?.name, name: job.statement.table.name.name };
  }
  return undefined;
}
