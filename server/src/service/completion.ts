// Completion that knows where the cursor is: statement keywords, the clauses a statement still
// lacks, property names valid in that list and not yet written, values of enumerated properties,
// tables after ON, columns in COLUMNS and WHERE, functions, job names after FOR, and Kafka topics
// and partitions the client has already fetched. Nothing here waits on I/O.
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Range,
} from 'vscode-languageserver-types';
import { JOB_PROPERTIES, KAFKA_CLIENT_PROPERTIES, KAFKA_PROPERTIES, findProperty, type PropertySpec } from '../language/catalogue';
import { zoneNames } from './core';
import { columnsListed, cursorContext, jobName, nameOf, propertyPosition, targetTable, type CursorContext } from './context';
import type { DocumentState } from './documents';
import { functions, functionMarkdown } from './functionCatalogue';
import type { KafkaCatalog, SchemaCatalog } from './metadata';
import { propertyMarkdown, summaryLine } from './propertyDocs';
import { upper, unquote, type Token } from './scan';
import { allTables, describeColumn, resolveTable, type ResolvedTable } from './tables';
import type { Workspace } from './workspace';

export interface CompletionEnv {
  workspace: Workspace;
  schemas: SchemaCatalog;
  kafka: KafkaCatalog;
}

export const TRIGGER_CHARACTERS = ['"', "'", '(', ',', '.', '='];

interface Edit {
  start: number;
  end: number;
}

const STATEMENTS: { label: string; snippet: string; detail: string }[] = [
  { label: 'CREATE ROUTINE LOAD', snippet: 'CREATE ROUTINE LOAD ${1:db}.${2:job} ON ${3:table}', detail: 'Create a job that loads a Kafka topic into a table' },
  { label: 'ALTER ROUTINE LOAD FOR', snippet: 'ALTER ROUTINE LOAD FOR ${1:job}', detail: 'Change a paused job' },
  { label: 'PAUSE ROUTINE LOAD FOR', snippet: 'PAUSE ROUTINE LOAD FOR ${1:job};', detail: 'Pause a job' },
  { label: 'RESUME ROUTINE LOAD FOR', snippet: 'RESUME ROUTINE LOAD FOR ${1:job};', detail: 'Resume a paused job' },
  { label: 'STOP ROUTINE LOAD FOR', snippet: 'STOP ROUTINE LOAD FOR ${1:job};', detail: 'Stop a job for good' },
  { label: 'SHOW ROUTINE LOAD', snippet: 'SHOW ROUTINE LOAD', detail: 'Running jobs' },
  { label: 'SHOW ALL ROUTINE LOAD', snippet: 'SHOW ALL ROUTINE LOAD', detail: 'All jobs, stopped ones included' },
  { label: 'SHOW ROUTINE LOAD TASK', snippet: 'SHOW ROUTINE LOAD TASK WHERE JobName = "${1:job}"', detail: 'Tasks of one job' },
  { label: 'SHOW CREATE ROUTINE LOAD', snippet: 'SHOW CREATE ROUTINE LOAD ${1:job};', detail: 'The statement that created a job' },
  { label: 'CREATE TABLE', snippet: 'CREATE TABLE ${1:table} (\n\t$0\n)', detail: 'A table for the analysis to know' },
  { label: 'CREATE DATABASE', snippet: 'CREATE DATABASE ${1:db};', detail: '' },
  { label: 'USE', snippet: 'USE ${1:db};', detail: 'Default database of the following statements' },
];

/** Columns SHOW ROUTINE LOAD … WHERE / ORDER BY accepts. */
const SHOW_COLUMNS = ['Id', 'Name', 'CreateTime', 'PauseTime', 'EndTime', 'CurrentTaskNum', 'TableName', 'State', 'ReasonOfStateChanged', 'OtherMsg'];
const JOB_STATES = ['NEED_SCHEDULE', 'RUNNING', 'PAUSED', 'STOPPED', 'CANCELLED'];
const SEPARATORS: { value: string; detail: string }[] = [
  { value: ',', detail: 'comma' },
  { value: '\\t', detail: 'tab (the default)' },
  { value: '|', detail: 'pipe' },
  { value: ';', detail: 'semicolon' },
  { value: '\\x01', detail: 'byte 0x01 (Hive)' },
];
const EXPRESSION_KEYWORDS = ['AND', 'OR', 'NOT', 'IS NULL', 'IS NOT NULL', 'IN', 'BETWEEN', 'LIKE', 'CASE', 'CAST', 'NULL', 'TRUE', 'FALSE'];

let timeZones: string[] | undefined;
function allTimeZones(): string[] {
  if (!timeZones) {
    timeZones = [...new Set(['UTC', 'Asia/Shanghai', ...zoneNames(), '+08:00', '+00:00'])];
  }
  return timeZones;
}

export function complete(doc: DocumentState, offset: number, env: CompletionEnv): CompletionList {
  // The cursor in blank space between statements starts a new statement.
  const r = doc.rangeAt(offset) ?? { start: offset, end: offset };
  const ctx = cursorContext(doc.text, r.start, r.end, offset);
  const items = new Completer(doc, offset, ctx, env).run();
  return { isIncomplete: false, items };
}

class Completer {
  private items: CompletionItem[] = [];

  constructor(
    private readonly doc: DocumentState,
    private readonly offset: number,
    private readonly ctx: CursorContext,
    private readonly env: CompletionEnv,
  ) {}

  run(): CompletionItem[] {
    const { ctx } = this;
    const cur = ctx.current;
    if (ctx.inComment) return [];
    const enc = ctx.enclosure;
    if (enc && (enc.owner === 'jobProperties' || enc.owner === 'kafkaProperties')) {
      this.propertyList(enc.owner);
      return this.items;
    }
    if (cur && cur.kind === 'string') {
      this.stringValue(cur);
      return this.items;
    }
    if (enc?.owner === 'columns') {
      this.columnsList();
      return this.items;
    }
    if (enc?.owner === 'partition') {
      const table = this.table();
      for (const p of table?.partitions ?? []) this.add({ label: p, kind: CompletionItemKind.Enum, detail: 'partition' });
      return this.items;
    }
    if (enc?.owner === 'call' || enc?.owner === 'other') {
      this.expression();
      return this.items;
    }
    this.topLevel();
    return this.items;
  }

  // ------------------------------------------------------------ helpers

  /** Range replaced by a word item: the word being typed, or an empty range at the cursor. */
  private wordEdit(): Edit {
    const cur = this.ctx.current;
    if (cur && (cur.kind === 'word' || cur.kind === 'number' || cur.kind === 'quoted')) return { start: cur.start, end: this.offset };
    return { start: this.offset, end: this.offset };
  }

  private range(e: Edit): Range {
    return { start: this.doc.document.positionAt(e.start), end: this.doc.document.positionAt(e.end) };
  }

  private add(item: CompletionItem & { edit?: Edit; text?: string }): void {
    const { edit, text, ...rest } = item;
    const e = edit ?? this.wordEdit();
    rest.textEdit = { range: this.range(e), newText: text ?? rest.label };
    this.items.push(rest);
  }

  private keyword(label: string, detail?: string, snippet?: string): void {
    this.add({
      label,
      kind: CompletionItemKind.Keyword,
      detail,
      text: snippet ?? label,
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: `0_${label}`,
    });
  }

  private words(): string[] {
    return this.ctx.before.map(upper);
  }

  private table(): ResolvedTable | undefined {
    const { ctx, env } = this;
    let target = targetTable(ctx.tokens);
    if (!target && ctx.head === 'alterRoutineLoad') {
      // ALTER names the job; its CREATE says which table.
      const job = jobName(ctx.tokens, ctx.head);
      const def = job ? env.workspace.findJobs(job.name, job.db, this.doc.uri)[0] : undefined;
      if (def) target = { db: def.statement.table.db?.name, name: def.statement.table.name.name, token: ctx.tokens[0] };
    }
    if (!target) return undefined;
    return resolveTable(env.workspace, env.schemas, target.name, target.db, this.doc.uri);
  }

  /** A quoted value outside property lists: separators, SHOW filters. */
  private stringValue(str: Token): void {
    const w = this.words();
    const last = w[w.length - 1];
    const edit = contentEdit(str);
    if (last === 'BY' && w[w.length - 2] === 'TERMINATED') {
      for (const s of SEPARATORS) this.add({ label: s.value, kind: CompletionItemKind.Value, detail: s.detail, edit, text: s.value });
      return;
    }
    if (this.ctx.head === 'show' && this.ctx.before[this.ctx.before.length - 1]?.text === '=') {
      const column = w[w.length - 2];
      if (column === 'STATE') for (const s of JOB_STATES) this.add({ label: s, kind: CompletionItemKind.EnumMember, edit, text: s });
      if (column === 'NAME' || column === 'JOBNAME') this.jobs(undefined, edit);
    }
  }

  // ------------------------------------------------------------ statement level

  private topLevel(): void {
    const { ctx } = this;
    const w = this.words();
    const last = w[w.length - 1] ?? '';
    const prev = ctx.before[ctx.before.length - 1];
    if (ctx.before.length === 0) {
      for (const s of STATEMENTS) this.add({ label: s.label, kind: CompletionItemKind.Keyword, detail: s.detail, text: s.snippet, insertTextFormat: InsertTextFormat.Snippet, sortText: `0_${s.label}` });
      return;
    }
    // After a dot: the name part of db.name.
    if (prev?.text === '.') {
      const before = ctx.before[ctx.before.length - 2];
      const db = before && (before.kind === 'word' || before.kind === 'quoted') ? nameOf(before) : undefined;
      const beforeDot = upper(ctx.before[ctx.before.length - 3]);
      if (beforeDot === 'ON') this.tables(db);
      else if (beforeDot === 'FOR' || (ctx.head === 'createRoutineLoad' && ctx.before.length === 5)) this.jobs(db);
      return;
    }
    switch (last) {
      case 'CREATE':
        if (w.length === 1) {
          this.keyword('ROUTINE LOAD');
          this.keyword('TABLE');
          this.keyword('DATABASE');
        } else if (w[0] === 'SHOW') this.keyword('ROUTINE LOAD');
        return;
      case 'ALTER':
      case 'PAUSE':
      case 'RESUME':
      case 'STOP':
        if (w.length === 1) this.keyword('ROUTINE LOAD FOR');
        return;
      case 'SHOW':
        this.keyword('ROUTINE LOAD');
        this.keyword('ALL ROUTINE LOAD');
        this.keyword('ROUTINE LOAD TASK');
        this.keyword('CREATE ROUTINE LOAD');
        return;
      case 'ALL':
        if (ctx.head === 'show') this.keyword('ROUTINE LOAD');
        return;
      case 'ROUTINE':
        this.keyword(ctx.head === 'alterRoutineLoad' || ctx.head === 'jobControl' ? 'LOAD FOR' : 'LOAD');
        return;
      case 'LOAD':
        if (ctx.head === 'alterRoutineLoad' || ctx.head === 'jobControl') this.keyword('FOR');
        else if (ctx.head === 'show' && !w.includes('CREATE')) {
          this.keyword('FOR');
          this.keyword('TASK');
          this.keyword('FROM');
          this.keyword('WHERE');
          this.keyword('ORDER BY');
          this.keyword('LIMIT');
        } else if (ctx.head === 'show') this.jobs();
        return;
      case 'FOR':
        this.jobs();
        return;
      case 'ON':
        if (ctx.head === 'createRoutineLoad') this.tables();
        return;
      case 'TERMINATED':
      case 'ORDER':
        this.keyword('BY');
        return;
      case 'TEMPORARY':
        this.keyword('PARTITION', undefined, 'PARTITION ($1)');
        return;
      case 'FROM':
        if (ctx.head === 'createRoutineLoad' || ctx.head === 'alterRoutineLoad') this.keyword('KAFKA', 'the data source', 'KAFKA (\n\t$0\n)');
        return;
    }
    if (ctx.head === 'show') {
      this.showClause(w);
      return;
    }
    if (ctx.head === 'createRoutineLoad' || ctx.head === 'alterRoutineLoad') {
      if (ctx.clause === 'WHERE' && prev?.text !== ',' && prev?.text !== ')') {
        this.expression();
        if (this.isExpressionComplete()) this.clauses();
        return;
      }
      // Right after `CREATE ROUTINE LOAD job`: ON.
      if (ctx.head === 'createRoutineLoad' && !w.includes('ON')) {
        if (ctx.before.length >= 4) this.keyword('ON');
        return;
      }
      if (ctx.clause === 'ON' || ctx.clause === 'FOR' || prev?.text === ',' || prev?.text === ')' || ctx.clause === 'WHERE') this.clauses();
    }
  }

  /** True when the WHERE expression so far ends in a value, so a new clause may follow. */
  private isExpressionComplete(): boolean {
    const prev = this.ctx.before[this.ctx.before.length - 1];
    if (!prev) return false;
    if (prev.kind === 'punct') return prev.text === ')';
    return !['AND', 'OR', 'NOT', 'WHERE', 'IS', 'IN', 'LIKE', 'BETWEEN'].includes(upper(prev));
  }

  /** The clauses a CREATE / ALTER may still take at this point. */
  private clauses(): void {
    const { ctx } = this;
    const toks = ctx.before;
    const has = (a: string, b?: string): boolean =>
      toks.some((t, i) => upper(t) === a && (b === undefined || upper(toks[i + 1]) === b || toks[i + 1]?.text === b));
    const prev = toks[toks.length - 1];
    if (has('FROM')) return;
    const afterProperties = has('PROPERTIES');
    if (!afterProperties) {
      // Load properties are separated by commas; suggest them after one, or as the first clause.
      const loadAllowed = prev?.text === ',' || !toks.some((t, i) => i > 3 && (upper(t) === 'COLUMNS' || upper(t) === 'WHERE' || upper(t) === 'PARTITION' || upper(t) === 'ROWS'));
      if (loadAllowed) {
        if (!has('COLUMNS', 'TERMINATED')) this.keyword('COLUMNS TERMINATED BY', 'column separator of CSV messages', 'COLUMNS TERMINATED BY "${1:,}"');
        if (!has('ROWS', 'TERMINATED')) this.keyword('ROWS TERMINATED BY', 'row delimiter of CSV messages', 'ROWS TERMINATED BY "${1:\\\\n}"');
        if (!has('COLUMNS', '(')) this.keyword('COLUMNS', 'map message fields to table columns', 'COLUMNS ($1)');
        if (!has('WHERE')) this.keyword('WHERE', 'filter rows before loading', 'WHERE $1');
        if (!has('PARTITION')) {
          this.keyword('PARTITION', 'load into these partitions', 'PARTITION ($1)');
          this.keyword('TEMPORARY PARTITION', 'load into these temporary partitions', 'TEMPORARY PARTITION ($1)');
        }
      }
      if (prev?.text === ',') return;
      this.keyword('PROPERTIES', 'job properties', 'PROPERTIES (\n\t$0\n)');
    }
    this.keyword('FROM KAFKA', 'the Kafka source', 'FROM KAFKA (\n\t$0\n)');
  }

  private showClause(w: string[]): void {
    const { ctx } = this;
    if (ctx.clause === 'WHERE') {
      const isTask = w.includes('TASK');
      for (const c of isTask ? ['JobName'] : SHOW_COLUMNS) this.add({ label: c, kind: CompletionItemKind.Field, detail: 'SHOW ROUTINE LOAD column' });
      for (const k of ['AND', 'LIKE', 'IN']) this.keyword(k);
      return;
    }
    if (ctx.clause === 'ORDER') {
      for (const c of SHOW_COLUMNS) this.add({ label: c, kind: CompletionItemKind.Field });
      this.keyword('DESC');
      this.keyword('ASC');
      return;
    }
    if (!w.includes('WHERE')) this.keyword('WHERE');
    if (!w.includes('ORDER')) this.keyword('ORDER BY');
    if (!w.includes('LIMIT')) this.keyword('LIMIT');
  }

  private tables(db?: string): void {
    for (const t of allTables(this.env.workspace, this.env.schemas)) {
      if (db && t.db && t.db.toLowerCase() !== db.toLowerCase()) continue;
      this.add({
        label: t.name,
        kind: CompletionItemKind.Class,
        detail: `${t.db ? `${t.db}.` : ''}${t.name} · ${t.source === 'workspace' ? 'CREATE TABLE in the workspace' : 'from StarRocks'}`,
        documentation: { kind: MarkupKind.Markdown, value: tableMarkdown(t) },
        text: quoteName(t.name),
      });
    }
  }

  private jobs(db?: string, edit?: Edit): void {
    const seen = new Set<string>();
    for (const j of this.env.workspace.jobs()) {
      if (db && j.db && j.db.toLowerCase() !== db.toLowerCase()) continue;
      const key = `${j.db ?? ''}.${j.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.add({
        label: j.name,
        kind: CompletionItemKind.Event,
        detail: `${j.db ? `${j.db}.` : ''}${j.name} ON ${j.statement.table.name.name}`,
        edit,
        text: edit ? j.name : quoteName(j.name),
      });
    }
  }

  // ------------------------------------------------------------ expressions and columns

  private columnItems(columns: string[], detail: string, exclude = new Set<string>()): void {
    const table = this.table();
    const seen = new Set<string>(exclude);
    for (const c of table?.columns ?? []) {
      if (seen.has(c.name.toLowerCase())) continue;
      seen.add(c.name.toLowerCase());
      this.add({
        label: c.name,
        kind: CompletionItemKind.Field,
        detail: `${describeColumn(c)} · ${table?.name}`.replace(/^ · /, ''),
        documentation: c.comment,
        text: quoteName(c.name),
        sortText: `1_${c.name}`,
      });
    }
    for (const c of columns) {
      if (seen.has(c.toLowerCase())) continue;
      seen.add(c.toLowerCase());
      this.add({ label: c, kind: CompletionItemKind.Variable, detail, text: quoteName(c), sortText: `1_${c}` });
    }
  }

  private functionItems(): void {
    for (const f of functions()) {
      const sig = f.signatures[0];
      this.add({
        label: f.name,
        kind: CompletionItemKind.Function,
        detail: sig?.label,
        documentation: { kind: MarkupKind.Markdown, value: functionMarkdown(f) },
        text: `${f.name}($1)`,
        insertTextFormat: InsertTextFormat.Snippet,
        command: { title: 'Signature help', command: 'editor.action.triggerParameterHints' },
        sortText: `3_${f.name}`,
      });
    }
  }

  private expression(): void {
    if (this.ctx.head === 'show') {
      this.showClause(this.words());
      return;
    }
    this.columnItems(columnsListed(this.ctx.tokens), 'column from COLUMNS');
    this.functionItems();
    for (const k of EXPRESSION_KEYWORDS) this.add({ label: k, kind: CompletionItemKind.Keyword, sortText: `4_${k}` });
  }

  private columnsList(): void {
    const { ctx } = this;
    // Tokens since the last depth-0 comma inside COLUMNS ( … ).
    const enc = ctx.enclosure!;
    let afterEquals = false;
    for (let i = ctx.before.length - 1; i > enc.openIndex; i--) {
      const t = ctx.before[i];
      if (t.text === ',') break;
      if (t.text === '=') afterEquals = true;
    }
    if (afterEquals) {
      this.columnItems(columnsListed(ctx.tokens), 'column from COLUMNS');
      this.functionItems();
      return;
    }
    const listed = new Set(columnsListed(ctx.tokens).map((c) => c.toLowerCase()));
    if (ctx.current && (ctx.current.kind === 'word' || ctx.current.kind === 'quoted')) listed.delete(ctx.current.text.toLowerCase());
    this.columnItems([], '', listed);
  }

  // ------------------------------------------------------------ properties

  private propertyList(owner: 'jobProperties' | 'kafkaProperties'): void {
    const { ctx } = this;
    const pos = propertyPosition(ctx);
    const cur = ctx.current;
    const inString = cur?.kind === 'string';
    if (pos.slot === 'key') {
      const alter = ctx.head === 'alterRoutineLoad';
      const specs = owner === 'jobProperties' ? JOB_PROPERTIES : [...KAFKA_PROPERTIES, ...KAFKA_CLIENT_PROPERTIES];
      for (const spec of specs) {
        if (pos.present.has(spec.name)) continue;
        if (alter && !spec.alterable) continue;
        this.propertyName(spec, inString ? cur : undefined);
      }
      return;
    }
    if (pos.slot === 'value' && pos.key) this.propertyValue(pos.key, pos.values, inString ? cur : undefined);
  }

  private propertyName(spec: PropertySpec, str: Token | undefined): void {
    const value = spec.default ?? spec.values?.[0] ?? '';
    const item: CompletionItem & { edit?: Edit; text?: string } = {
      label: spec.name,
      kind: CompletionItemKind.Property,
      detail: summaryLine(spec) || undefined,
      documentation: { kind: MarkupKind.Markdown, value: propertyMarkdown(spec) },
      sortText: `${spec.deprecated ? '9' : spec.required ? '0' : '1'}_${spec.name}`,
      tags: spec.deprecated ? [CompletionItemTag.Deprecated] : undefined,
      filterText: str ? spec.name : `"${spec.name}"`,
    };
    if (str) {
      item.edit = contentEdit(str);
      const followedByEquals = this.ctx.tokens[this.ctx.tokens.indexOf(str) + 1]?.text === '=';
      if (!str.closed && !followedByEquals) {
        const q = str.text[0];
        item.text = `${spec.name}${q} = ${q}\${1:${snippetEscape(value)}}${q}`;
        item.insertTextFormat = InsertTextFormat.Snippet;
      } else item.text = spec.name;
    } else {
      item.text = `"${spec.name}" = "\${1:${snippetEscape(value)}}"`;
      item.insertTextFormat = InsertTextFormat.Snippet;
    }
    this.add(item);
  }

  private propertyValue(key: string, written: Map<string, string>, str: Token | undefined): void {
    const spec = findProperty(key);
    const q = str ? str.text[0] : '"';
    const valueItem = (value: string, detail?: string, edit?: Edit, sort?: string, kind: CompletionItemKind = CompletionItemKind.Value): void => {
      const escaped = q === '"' ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      this.add({
        label: value,
        kind,
        detail,
        edit: edit ?? (str ? contentEdit(str) : undefined),
        text: str ? escaped : `"${escaped}"`,
        filterText: str ? value : `"${value}"`,
        sortText: sort,
      });
    };
    const segment = str ? listSegment(str, this.offset) : undefined;
    switch (key) {
      case 'kafka_topic': {
        for (const t of this.env.kafka.topics(written.get('kafka_broker_list'))) valueItem(t.name, `${t.partitions.length} partitions`, undefined, undefined, CompletionItemKind.Reference);
        return;
      }
      case 'kafka_broker_list': {
        for (const b of this.env.kafka.brokerLists()) valueItem(b, 'a configured Kafka cluster');
        return;
      }
      case 'kafka_partitions': {
        const topic = this.env.kafka.topic(written.get('kafka_topic') ?? '', written.get('kafka_broker_list'));
        if (!topic) return;
        const chosen = new Set((str ? unquote(str) : '').split(',').map((p) => p.trim()).filter(Boolean));
        for (const p of topic.partitions) {
          if (!chosen.has(String(p))) valueItem(String(p), `partition of ${topic.name}`, segment, `0_${String(p).padStart(6, '0')}`, CompletionItemKind.EnumMember);
        }
        if (topic.partitions.length > 1 && chosen.size === 0) valueItem(topic.partitions.join(','), `all ${topic.partitions.length} partitions of ${topic.name}`, undefined, '1');
        return;
      }
      case 'kafka_offsets': {
        for (const v of ['OFFSET_BEGINNING', 'OFFSET_END']) valueItem(v, v === 'OFFSET_END' ? 'newest messages only' : 'oldest retained message', segment, undefined, CompletionItemKind.EnumMember);
        const count = (written.get('kafka_partitions') ?? '').split(',').filter((p) => p.trim()).length;
        if (count > 1) {
          for (const v of ['OFFSET_BEGINNING', 'OFFSET_END']) valueItem(new Array<string>(count).fill(v).join(','), `${v} for each of the ${count} partitions`, undefined, '1');
        }
        return;
      }
      case 'jsonpaths': {
        const cols = columnsListed(this.ctx.tokens);
        const names = cols.length ? cols : (this.table()?.columns ?? []).map((c) => c.name);
        if (names.length) valueItem(`[${names.map((n) => `"$.${n}"`).join(',')}]`, 'one JSONPath per column, in COLUMNS order');
        return;
      }
      case 'merge_condition': {
        for (const c of this.table()?.columns ?? []) if (!c.key) valueItem(c.name, c.type, undefined, undefined, CompletionItemKind.Field);
        return;
      }
    }
    if (!spec) return;
    if (spec.type === 'timezone') {
      allTimeZones().forEach((z, i) => valueItem(z, undefined, undefined, String(i).padStart(4, '0'), CompletionItemKind.EnumMember));
      return;
    }
    if (spec.values) {
      for (const v of spec.values) valueItem(v, v === spec.default ? 'default' : undefined, undefined, v === spec.default ? '0' : '1', CompletionItemKind.EnumMember);
      return;
    }
    if (spec.default !== undefined) valueItem(spec.default, 'default');
  }
}

/** Range of a string token's content (without quotes). */
function contentEdit(str: Token): Edit {
  return { start: str.start + 1, end: str.closed ? str.end - 1 : str.end };
}

/** The comma-separated item the cursor is in, inside a string. */
function listSegment(str: Token, offset: number): Edit {
  const content = contentEdit(str);
  const text = str.text.slice(1, content.end - str.start);
  const rel = offset - content.start;
  const left = text.lastIndexOf(',', rel - 1) + 1;
  let right = text.indexOf(',', rel);
  if (right < 0) right = text.length;
  return { start: content.start + left, end: content.start + right };
}

function snippetEscape(s: string): string {
  return s.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/** Back-quote names that are not plain words. */
export function quoteName(name: string): string {
  return /^[A-Za-z_][\w$]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function tableMarkdown(t: ResolvedTable): string {
  const lines = [`**${t.db ? `${t.db}.` : ''}${t.name}**${t.source === 'server' ? ' (from StarRocks)' : ''}`];
  if (t.comment) lines.push('', t.comment);
  if (t.columns.length) {
    lines.push('', '| column | type |', '|---|---|');
    for (const c of t.columns.slice(0, 40)) lines.push(`| ${c.name} | ${describeColumn(c) || ' '} |`);
    if (t.columns.length > 40) lines.push(`| … ${t.columns.length - 40} more | |`);
  }
  return lines.join('\n');
}
