// What the workspace's files define, so the analysis of one document can see the tables and
// jobs of the others. Each document contributes separately: updating one file replaces only
// its own contribution.
import type { CreateTableStatement, ParseResult, Span, Statement } from './ast';

export interface TableInfo {
  /** Database, from `db.table` or the USE before it; undefined when neither says. */
  db?: string;
  name: string;
  uri: string;
  statement: CreateTableStatement;
}

export interface JobInfo {
  db?: string;
  name: string;
  uri: string;
  /** Span of the job name in the CREATE ROUTINE LOAD statement. */
  span: Span;
  statementSpan: Span;
}

export interface DocumentContribution {
  uri: string;
  databases: string[];
  tables: TableInfo[];
  jobs: JobInfo[];
}

/** Walk statements in order, tracking USE, and call `visit` with each statement's database. */
export function forEachWithDatabase(statements: ParseResult['statements'], visit: (statement: Statement, db: string | undefined) => void): void {
  let current: string | undefined;
  for (const parsed of statements) {
    const s = parsed.statement;
    if (!s) continue;
    if (s.kind === 'use') current = s.db.name;
    visit(s, current);
  }
}

export function contributionOf(uri: string, result: ParseResult): DocumentContribution {
  const contribution: DocumentContribution = { uri, databases: [], tables: [], jobs: [] };
  forEachWithDatabase(result.statements, (s, current) => {
    if (s.kind === 'createDatabase') contribution.databases.push(s.name.name);
    else if (s.kind === 'createTable') {
      contribution.tables.push({ db: s.table.db?.name ?? current, name: s.table.name.name, uri, statement: s });
    } else if (s.kind === 'createRoutineLoad' && s.job.name.name) {
      contribution.jobs.push({ db: s.job.db?.name ?? current, name: s.job.name.name, uri, span: s.job.span, statementSpan: s.span });
    }
  });
  return contribution;
}

/** Versions of table and database definitions: one counter for every index, so equal numbers mean equal definitions. */
let lastSchemaVersion = 0;

/** What a document defines that the analysis of a job depends on: its databases and CREATE TABLE statements, as written. */
function schemaKey(result: ParseResult, contribution: DocumentContribution): string {
  if (contribution.tables.length === 0 && contribution.databases.length === 0) return '';
  const parts: string[] = [contribution.databases.join('\0')];
  let t = 0;
  for (const parsed of result.statements) {
    if (parsed.statement?.kind !== 'createTable') continue;
    parts.push(`${contribution.tables[t++]?.db ?? ''}\0${result.text.slice(parsed.span.start, parsed.span.end)}`);
  }
  return parts.join('\n');
}

export class WorkspaceIndex {
  private readonly documents = new Map<string, DocumentContribution>();
  private readonly schemaKeys = new Map<string, string>();
  private schema = ++lastSchemaVersion;
  /** Jobs by `db\0name`, rebuilt lazily after a document changes. */
  private jobsByName: Map<string, JobInfo[]> | undefined;
  private tablesByName: Map<string, TableInfo[]> | undefined;

  /** Replace a document's contribution (parse it first, or pass the text). */
  update(uri: string, result: ParseResult): void {
    const contribution = contributionOf(uri, result);
    this.documents.set(uri, contribution);
    this.setSchemaKey(uri, schemaKey(result, contribution));
    this.invalidate();
  }

  /**
   * Changes when, and only when, the tables or databases the workspace defines change (an edit
   * of a job leaves it alone): results that depend on table definitions can be kept until then.
   */
  get schemaVersion(): number {
    return this.schema;
  }

  private setSchemaKey(uri: string, key: string | undefined): void {
    const before = this.schemaKeys.get(uri) ?? '';
    if (key) this.schemaKeys.set(uri, key);
    else this.schemaKeys.delete(uri);
    if (before !== (key ?? '')) this.schema = ++lastSchemaVersion;
  }

  private invalidate(): void {
    this.jobsByName = undefined;
    this.tablesByName = undefined;
  }

  /** A copy of this index with one document replaced: analysis of an unsaved or unindexed document. */
  overlay(uri: string, result: ParseResult): WorkspaceIndex {
    const copy = new WorkspaceIndex();
    for (const [k, v] of this.documents) copy.documents.set(k, v);
    for (const [k, v] of this.schemaKeys) copy.schemaKeys.set(k, v);
    copy.schema = this.schema;
    const contribution = contributionOf(uri, result);
    copy.documents.set(uri, contribution);
    copy.setSchemaKey(uri, schemaKey(result, contribution));
    return copy;
  }

  remove(uri: string): void {
    this.documents.delete(uri);
    this.setSchemaKey(uri, undefined);
    this.invalidate();
  }

  has(uri: string): boolean {
    return this.documents.has(uri);
  }

  get uris(): string[] {
    return [...this.documents.keys()];
  }

  contribution(uri: string): DocumentContribution | undefined {
    return this.documents.get(uri);
  }

  databases(): string[] {
    const out = new Set<string>();
    for (const d of this.documents.values()) {
      d.databases.forEach((x) => out.add(x));
      d.tables.forEach((t) => t.db && out.add(t.db));
    }
    return [...out];
  }

  hasDatabase(db: string): boolean {
    for (const d of this.documents.values()) if (d.databases.includes(db)) return true;
    return false;
  }

  /** Tables, all or of one database (a table without a known database matches any). */
  tables(db?: string): TableInfo[] {
    const out: TableInfo[] = [];
    for (const d of this.documents.values()) {
      for (const t of d.tables) if (db === undefined || t.db === undefined || t.db === db) out.push(t);
    }
    return out;
  }

  findTable(db: string | undefined, name: string): TableInfo | undefined {
    if (!this.tablesByName) {
      this.tablesByName = new Map();
      for (const t of this.tables()) {
        const list = this.tablesByName.get(t.name) ?? [];
        list.push(t);
        this.tablesByName.set(t.name, list);
      }
    }
    const candidates = (this.tablesByName.get(name) ?? []).filter((t) => db === undefined || t.db === undefined || t.db === db);
    return candidates.find((t) => t.db === db) ?? candidates[0];
  }

  jobs(db?: string, name?: string): JobInfo[] {
    if (name !== undefined) {
      if (!this.jobsByName) {
        this.jobsByName = new Map();
        for (const j of this.jobs()) {
          const key = `${j.db ?? ''}\0${j.name}`;
          const list = this.jobsByName.get(key) ?? [];
          list.push(j);
          this.jobsByName.set(key, list);
        }
      }
      if (db !== undefined) return this.jobsByName.get(`${db}\0${name}`) ?? [];
      return this.jobs().filter((j) => j.name === name);
    }
    const out: JobInfo[] = [];
    for (const d of this.documents.values()) {
      for (const j of d.jobs) if ((db === undefined || j.db === db) && (name === undefined || j.name === name)) out.push(j);
    }
    return out;
  }
}
