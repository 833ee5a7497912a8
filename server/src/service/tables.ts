// One view of a table whatever told us about it: a CREATE TABLE in the workspace, or the
// schema the client fetched from a configured StarRocks. Workspace DDL wins: it is what the
// user is editing.
import type { ColumnInfo, SchemaCatalog } from './metadata';
import { columnType, type TableDefinition, type Workspace } from './workspace';

export interface ResolvedTable {
  db?: string;
  name: string;
  columns: ColumnInfo[];
  partitions: string[];
  comment?: string;
  definition?: TableDefinition;
  source: 'workspace' | 'server';
}

function fromDefinition(d: TableDefinition): ResolvedTable {
  const st = d.statement;
  const keys = new Set((st.keys?.columns ?? []).map((k) => k.name.toLowerCase()));
  return {
    db: d.db,
    name: d.name,
    columns: st.columns.map((c) => ({
      name: c.name.name,
      type: columnType(c),
      nullable: c.nullable,
      key: keys.has(c.name.name.toLowerCase()),
      comment: c.comment?.value,
    })),
    partitions: (st.partitionBy?.partitions ?? []).map((p) => p.name),
    comment: st.comment?.value,
    definition: d,
    source: 'workspace',
  };
}

export function resolveTable(workspace: Workspace, schemas: SchemaCatalog, name: string, db?: string, preferUri?: string): ResolvedTable | undefined {
  const def = workspace.findTables(name, db, preferUri)[0];
  if (def) return fromDefinition(def);
  const s = schemas.find(name, db) ?? (db ? schemas.find(name) : undefined);
  if (s) return { db: s.db, name: s.name, columns: s.columns, partitions: [], comment: s.comment, source: 'server' };
  return undefined;
}

export function allTables(workspace: Workspace, schemas: SchemaCatalog): ResolvedTable[] {
  const out = new Map<string, ResolvedTable>();
  for (const d of workspace.tables()) {
    const k = `${d.db ?? ''}.${d.name}`.toLowerCase();
    if (!out.has(k)) out.set(k, fromDefinition(d));
  }
  for (const s of schemas.all()) {
    const k = `${s.db ?? ''}.${s.name}`.toLowerCase();
    if (!out.has(k)) out.set(k, { db: s.db, name: s.name, columns: s.columns, partitions: [], comment: s.comment, source: 'server' });
  }
  return [...out.values()];
}

export function describeColumn(c: ColumnInfo): string {
  const parts = [c.type ?? ''];
  if (c.key) parts.push('key');
  if (c.nullable === false) parts.push('NOT NULL');
  return parts.filter(Boolean).join(' ');
}
