// Databases and tables, built from real StarRocks DDL parsed by the language core.

import type { ColumnDefinition, CreateTableStatement, KeyType, Statement } from '../../server/src/language/ast';
import { compileExpression, PlanError } from './expressions';
import { parseStatements } from './language';
import { DEFAULT_TIMEZONE, zone } from './time';
import { ColumnType, columnType, Converter, converterFor, Stored, INVALID, REJECT } from './types';

export type ColumnDefault = { kind: 'value'; value: Stored } | { kind: 'now' } | { kind: 'null' };

export interface TableColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  isKey: boolean;
  /** Aggregate tables: SUM, MAX, MIN, REPLACE, REPLACE_IF_NOT_NULL. */
  aggregate?: string;
  default?: ColumnDefault;
  comment: string;
  convert: Converter;
}

export interface TableDef {
  db: string;
  name: string;
  columns: TableColumn[];
  keyType: KeyType;
  /** Indexes of the key columns, in key order. */
  keys: number[];
  /** Partition names from the DDL; an unpartitioned table has one partition named after the table. */
  partitions: string[];
  /** The CREATE TABLE text, replayed on restart. */
  ddl: string;
}

/** A DDL statement StarRocks would refuse, with its message. */
export class DdlError extends Error {}

export class Catalog {
  readonly databases = new Map<string, Map<string, TableDef>>();

  database(name: string): Map<string, TableDef> | undefined {
    return this.databases.get(name);
  }

  table(db: string, name: string): TableDef | undefined {
    return this.databases.get(db)?.get(name);
  }

  /**
   * Runs CREATE DATABASE / CREATE TABLE / USE statements. Returns the statements that changed the
   * catalog (their text), for persistence. `replay` skips tables that already exist with the same DDL.
   */
  execute(text: string, options: { currentDb?: string; replay?: boolean } = {}): { applied: string[]; tables: TableDef[]; created: number } {
    let currentDb = options.currentDb;
    const applied: string[] = [];
    const tables: TableDef[] = [];
    let created = 0;
    for (const { statement, source } of parseStatements(text)) {
      switch (statement.kind) {
        case 'createDatabase': {
          const name = statement.name.name;
          if (this.databases.has(name)) {
            if (!statement.ifNotExists && !options.replay) throw new DdlError(`Can't create database '${name}'; database exists`);
            break;
          }
          this.databases.set(name, new Map());
          applied.push(source);
          created++;
          break;
        }
        case 'use':
          if (!this.databases.has(statement.db.name)) throw new DdlError(`Unknown database '${statement.db.name}'`);
          // Not recorded on its own: a CREATE TABLE that relied on it is recorded with its database.
          currentDb = statement.db.name;
          break;
        case 'createTable': {
          const db = statement.table.db?.name ?? currentDb;
          if (!db) throw new DdlError('No database selected');
          const tablesOfDb = this.databases.get(db);
          if (!tablesOfDb) throw new DdlError(`Unknown database '${db}'`);
          const name = statement.table.name.name;
          const existing = tablesOfDb.get(name);
          if (existing) {
            if (statement.ifNotExists || (options.replay && existing.ddl === source)) break;
            throw new DdlError(`Table '${name}' already exists`);
          }
          const def = tableFromDdl(db, statement, source);
          tablesOfDb.set(name, def);
          // Replays need the database context of a table written without one.
          applied.push(statement.table.db ? source : `USE \`${db}\`;\n${source}`);
          tables.push(def);
          created++;
          break;
        }
        default:
          throw new DdlError(`The sandbox runs CREATE DATABASE, CREATE TABLE and USE only; got ${describe(statement)}`);
      }
    }
    return { applied, tables, created };
  }
}

function describe(statement: Statement): string {
  return statement.kind === 'foreign' ? statement.head : statement.kind;
}

function tableFromDdl(db: string, stmt: CreateTableStatement, ddl: string): TableDef {
  const name = stmt.table.name.name;
  const seen = new Set<string>();
  for (const c of stmt.columns) {
    const lower = c.name.name.toLowerCase();
    if (seen.has(lower)) throw new DdlError(`Duplicate column name '${c.name.name}'`);
    seen.add(lower);
  }
  const keyType: KeyType = stmt.keys?.type ?? 'DUPLICATE';
  let keyNames = stmt.keys?.columns.map((k) => k.name) ?? [];
  if (!stmt.keys) keyNames = stmt.columns.slice(0, Math.min(3, stmt.columns.length)).map((c) => c.name.name);
  const keys: number[] = [];
  keyNames.forEach((k, i) => {
    const index = stmt.columns.findIndex((c) => c.name.name.toLowerCase() === k.toLowerCase());
    if (index < 0) throw new DdlError(`Key column '${k}' does not exist in table '${name}'`);
    // StarRocks stores key columns first, in key order.
    if (index !== i) throw new DdlError('Key columns should be a ordered prefix of the schema.');
    keys.push(index);
  });
  const columns = stmt.columns.map((c, i) => column(c, keys.includes(i), keyType, name));
  if (keyType === 'PRIMARY') for (const k of keys) columns[k]!.nullable = false;
  const partitions = stmt.partitionBy?.partitions.map((p) => p.name) ?? [];
  return { db, name, columns, keyType, keys, partitions: partitions.length > 0 ? partitions : [name], ddl };
}

const AGGREGATES = new Set(['SUM', 'MAX', 'MIN', 'REPLACE', 'REPLACE_IF_NOT_NULL']);

function column(c: ColumnDefinition, isKey: boolean, keyType: KeyType, table: string): TableColumn {
  let type: ColumnType;
  try {
    type = columnType(c.type.name, c.type.params);
  } catch (error) {
    throw new DdlError(error instanceof Error ? error.message : String(error));
  }
  const aggregate = c.aggregate?.toUpperCase();
  if (aggregate && !AGGREGATES.has(aggregate)) throw new DdlError(`Aggregate type ${aggregate} is not supported by the sandbox`);
  if (keyType === 'AGGREGATE' && !isKey && !aggregate) throw new DdlError(`Column '${c.name.name}' of aggregate table '${table}' needs an aggregate type (SUM, MAX, MIN, REPLACE, REPLACE_IF_NOT_NULL)`);
  if (keyType !== 'AGGREGATE' && aggregate) throw new DdlError(`Column '${c.name.name}': aggregate type is only allowed in AGGREGATE KEY tables`);
  const convert = converterFor(type);
  const def = c.default;
  let dflt: ColumnDefault | undefined;
  if (def) {
    if (def.kind === 'currentTimestamp') dflt = { kind: 'now' };
    else if (def.kind === 'literal' && def.value === null) dflt = { kind: 'null' };
    else {
      let value: unknown;
      try {
        value = compileExpression(def, { slot: () => undefined, tableName: table }, { zone: zone(DEFAULT_TIMEZONE)!, nowMs: Date.now() })([]);
      } catch (error) {
        throw new DdlError(error instanceof PlanError ? error.message : `Invalid default value for '${c.name.name}'`);
      }
      if (def.kind === 'call' && /^(now|current_timestamp)$/i.test(def.name.name)) dflt = { kind: 'now' };
      else {
        const converted = convert(value);
        if (converted === INVALID || converted === REJECT) throw new DdlError(`Invalid default value for '${c.name.name}'`);
        dflt = { kind: 'value', value: converted };
      }
    }
  }
  return { name: c.name.name, type, nullable: c.nullable, isKey, aggregate, default: dflt, comment: c.comment?.value ?? '', convert };
}
