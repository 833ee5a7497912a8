// The .sql files of the workspace as the features see them: tables and jobs defined anywhere,
// for analysis, completion, definition and hover across files. Open documents win over their
// text on disk. The core's WorkspaceIndex is kept in step with the newest parse of each file.
import type { CreateRoutineLoadStatement, CreateTableStatement, ParseResult, Span } from '../language/ast';
import { parseText, WorkspaceIndex } from './core';

export interface TableDefinition {
  uri: string;
  db?: string;
  name: string;
  nameSpan: Span;
  statement: CreateTableStatement;
}

export interface JobDefinition {
  uri: string;
  db?: string;
  name: string;
  nameSpan: Span;
  statement: CreateRoutineLoadStatement;
}

interface FileEntry {
  uri: string;
  text: string;
  parse?: ParseResult;
  /** Whether `index` has seen this entry's parse. */
  indexed: boolean;
}

export class Workspace {
  private files = new Map<string, FileEntry>();
  readonly index = new WorkspaceIndex();

  /** A file read from disk (or changed on disk). */
  setFile(uri: string, text: string): void {
    const existing = this.files.get(uri);
    if (existing && existing.text === text) return;
    this.files.set(uri, { uri, text, indexed: false });
  }

  /** A document's newest parse; it replaces the disk text until closed. */
  setParse(uri: string, parse: ParseResult): void {
    const existing = this.files.get(uri);
    if (existing && existing.parse === parse) return;
    this.files.set(uri, { uri, text: parse.text, parse, indexed: true });
    this.index.update(uri, parse);
  }

  removeFile(uri: string): void {
    this.files.delete(uri);
    this.index.remove(uri);
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  get size(): number {
    return this.files.size;
  }

  parseOf(uri: string): ParseResult | undefined {
    const f = this.files.get(uri);
    return f ? this.ensure(f) : undefined;
  }

  private ensure(f: FileEntry): ParseResult {
    f.parse ??= parseText(f.text);
    if (!f.indexed) {
      this.index.update(f.uri, f.parse);
      f.indexed = true;
    }
    return f.parse;
  }

  /** The index with every known file in it (files read from disk are parsed on first need). */
  fullIndex(): WorkspaceIndex {
    for (const f of this.files.values()) if (!f.indexed) this.ensure(f);
    return this.index;
  }

  tables(): TableDefinition[] {
    return this.fullIndex()
      .tables()
      .map((t) => ({ uri: t.uri, db: t.db, name: t.name, nameSpan: t.statement.table.name.span, statement: t.statement }));
  }

  jobs(): JobDefinition[] {
    const out: JobDefinition[] = [];
    for (const j of this.fullIndex().jobs()) {
      const parse = this.files.get(j.uri)?.parse;
      const st = parse?.statements.find((s) => s.span.start === j.statementSpan.start)?.statement;
      if (st?.kind === 'createRoutineLoad') out.push({ uri: j.uri, db: j.db, name: j.name, nameSpan: st.job.name.span, statement: st });
    }
    return out;
  }

  /** Definitions of a table, best match first (same db, then same file). */
  findTables(name: string, db?: string, preferUri?: string): TableDefinition[] {
    return rank(this.tables().filter((t) => sameName(t.name, name) && (!db || !t.db || sameName(t.db, db))), db, preferUri);
  }

  findJobs(name: string, db?: string, preferUri?: string): JobDefinition[] {
    return rank(this.jobs().filter((j) => sameName(j.name, name) && (!db || !j.db || sameName(j.db, db))), db, preferUri);
  }
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function rank<T extends { uri: string; db?: string }>(items: T[], db: string | undefined, preferUri: string | undefined): T[] {
  const score = (t: T): number => (db && t.db && sameName(t.db, db) ? 0 : 2) + (t.uri === preferUri ? 0 : 1);
  return items.sort((a, b) => score(a) - score(b));
}

export function columnType(c: { type: { name: string; params: number[] } }): string {
  return c.type.params.length ? `${c.type.name}(${c.type.params.join(',')})` : c.type.name;
}
