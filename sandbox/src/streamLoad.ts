// One Stream Load: its headers checked as StarRocks checks them, a plan (source slots, derived
// columns, WHERE, conversions) compiled once, then the body parsed row by row into a Batch.
// Messages are StarRocks' own words where they are known (shared spec, starrocks-reference.md §5).

import { isAscii, isUtf8 } from 'node:buffer';
import type { ColumnMapping } from '../../server/src/language/ast';
import type { TableDef } from './catalog';
import { compileExpression, Compiled, PlanError, Scope } from './expressions';
import { EvalContext, truthy } from './functions';
import { applyPath, compilePath, PathStep } from './jsonpath';
import { JsonScanner, keyTree, Token, Tokens } from './jsonScan';
import { scanInWasm } from './wasmScanner';
import { parseColumnMappings, parseExpression, SyntaxFailure } from './language';
import { Batch } from './storage';
import { DEFAULT_TIMEZONE, partsAt, zone, Zone } from './time';
import {
  byteConversion, Converter, formatDateTime, INVALID, isCanonicalDateAt, isCanonicalDateTimeAt, REJECT, simpleDoubleAt, simpleIntAt,
  Stored, typeText, utf8Length,
} from './types';
import { Source, Vector } from './vector';

export type Headers = Record<string, string | undefined>;

/** A load refused as a whole: Status Fail with this message. */
export class LoadError extends Error {}

export const MAX_TIMEOUT_S = 259_200;
export const DEFAULT_TIMEOUT_S = 600;

/** The headers checked before a transaction begins (BE side in StarRocks). */
export function checkFormat(headers: Headers): 'csv' | 'json' {
  const format = (headers['format'] ?? 'csv').trim();
  const lower = format.toLowerCase();
  if (lower === '' || lower === 'csv') return 'csv';
  if (lower === 'json') return 'json';
  if (['gzip', 'bzip2', 'lz4', 'deflate', 'zstd'].includes(lower)) throw new LoadError(`compressed format ${format} is not supported by the sandbox; send plain csv`);
  throw new LoadError(`unknown data format, format=${format}`);
}

export function checkTimeout(headers: Headers): number {
  const raw = headers['timeout'];
  if (raw === undefined) return DEFAULT_TIMEOUT_S;
  const t = raw.trim();
  const n = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= MAX_TIMEOUT_S)) throw new LoadError(`Invalid timeout: '${raw}'. Expected values should be between 1 and ${MAX_TIMEOUT_S} seconds`);
  return n;
}

/** Column separator / row delimiter rules: hex (`\x01`, `0x01`) with an even digit count, `\t` and `\n` unescaped. */
export function parseDelimiter(value: string): string {
  if (value === '') throw new LoadError('Delimiter cannot be empty or null');
  const upper = value.toUpperCase();
  if (upper.startsWith('\\X') || upper.startsWith('0X')) {
    const hex = value.slice(2);
    if (hex.length % 2 !== 0) throw new LoadError(`Invalid delimiter '${value}: hex length must be a even number`);
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new LoadError(`Invalid delimiter '${value}': hex format error`);
    if (hex.length === 0) throw new LoadError('Delimiter cannot be empty or null');
    return Buffer.from(hex, 'hex').toString('utf8');
  }
  return value.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

function parseBool(raw: string | undefined, message: string): boolean | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new LoadError(message);
}

/** strtod-like, as the BE reads max_filter_ratio: leading number, else 0. */
function parseRatio(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number.parseFloat(raw.trim());
  return Number.isNaN(n) ? 0 : n;
}

function partitionList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((p) => p.trim().replace(/^`|`$/g, ''));
}

// ---------------------------------------------------------------- the plan

export interface Plan {
  def: TableDef;
  format: 'csv' | 'json';
  columnSeparator: string;
  rowDelimiter: string;
  trimSpace: boolean;
  skipHeader: number;
  strict: boolean;
  maxFilterRatio: number;
  /** Source columns, read from the data in order (CSV position, JSON key or jsonpath). */
  sourceNames: string[];
  slotCount: number;
  derived: { slot: number; fn: Compiled }[];
  where?: Compiled;
  /** Source slots an expression reads: the fast paths make their values as the general path has them. */
  exprSlots: number[];
  /** Per table column: the slot feeding it, or -1 for a constant (default or NULL). */
  targetSlots: number[];
  constants: Stored[];
  jsonPaths?: PathStep[][];
  jsonRoot?: PathStep[];
  stripOuterArray: boolean;
  ctx: EvalContext;
  /** Slots are exactly the table columns in order and nothing is computed: the CSV fast path. */
  direct: boolean;
}

export function planLoad(def: TableDef, headers: Headers, format: 'csv' | 'json', nowMs = Math.floor(Date.now() / 1000) * 1000): Plan {
  const strict = parseBool(headers['strict_mode'], 'Invalid strict mode format. Must be bool type') ?? false;
  const tzName = headers['timezone']?.trim() || DEFAULT_TIMEZONE;
  const tz: Zone | undefined = zone(tzName);
  if (!tz) throw new LoadError(`Unknown or incorrect time zone: '${tzName}'`);
  const ctx: EvalContext = { zone: tz, nowMs };

  const partitions = partitionList(headers['partitions']);
  const temporary = partitionList(headers['temporary_partitions']);
  if (partitions && temporary) throw new LoadError('Can not specify both partitions and temporary partitions');
  for (const p of partitions ?? []) {
    if (!def.partitions.includes(p)) throw new LoadError(`Unknown partition '${p}' in table '${def.name}'`);
  }
  // The sandbox keeps no temporary partitions, so any name is unknown (as on a table without them).
  if (temporary && temporary.length > 0) throw new LoadError(`Unknown temporary partition '${temporary[0]}' in table '${def.name}'`);

  const columnSeparator = parseDelimiter(headers['column_separator'] ?? '\t');
  const rowDelimiter = parseDelimiter(headers['row_delimiter'] ?? '\n');
  const skipHeader = headers['skip_header'] === undefined ? 0 : Number(headers['skip_header']);
  if (!Number.isInteger(skipHeader) || skipHeader < 0) throw new LoadError(`Invalid skip_header: '${headers['skip_header']}'. It must be an integer >= 0`);
  const trimSpace = parseBool(headers['trim_space'], 'Invalid trim_space format. Must be bool type') ?? false;
  const stripOuterArray = parseBool(headers['strip_outer_array'], 'Invalid strip_outer_array format. Must be bool type') ?? false;

  let mappings: ColumnMapping[] | undefined;
  const columnsText = headers['columns'];
  if (columnsText !== undefined && columnsText.trim() !== '') {
    try {
      mappings = parseColumnMappings(columnsText);
    } catch (error) {
      throw new LoadError(`Failed to parse columns header: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const tableColumns = def.columns;
  const sourceNames: string[] = [];
  const derivedDefs: { name: string; mapping: ColumnMapping }[] = [];
  if (mappings) {
    const seen = new Set<string>();
    for (const m of mappings) {
      const lower = m.name.name.toLowerCase();
      if (seen.has(lower)) throw new LoadError(`Duplicate column: ${m.name.name}`);
      seen.add(lower);
      if (m.expr) derivedDefs.push({ name: m.name.name, mapping: m });
      else sourceNames.push(m.name.name);
    }
  } else {
    for (const c of tableColumns) sourceNames.push(c.name);
  }

  // Expressions see the source columns and the derived columns defined before them.
  const slotOf = new Map<string, number>();
  sourceNames.forEach((n, i) => slotOf.set(n.toLowerCase(), i));
  const derived: { slot: number; fn: Compiled }[] = [];
  const derivedSlot = new Map<string, number>();
  const exprSlots = new Set<number>();
  const scope: Scope = {
    slot: (name) => {
      const source = slotOf.get(name.toLowerCase());
      if (source !== undefined) exprSlots.add(source);
      return source ?? derivedSlot.get(name.toLowerCase());
    },
    tableName: def.name,
  };
  try {
    derivedDefs.forEach((d, i) => {
      const slot = sourceNames.length + i;
      derived.push({ slot, fn: compileExpression(d.mapping.expr!, scope, ctx) });
      derivedSlot.set(d.name.toLowerCase(), slot);
    });
  } catch (error) {
    throw new LoadError(error instanceof Error ? error.message : String(error));
  }

  let where: Compiled | undefined;
  const whereText = headers['where'];
  if (whereText !== undefined && whereText.trim() !== '') {
    try {
      // WHERE sees the load's columns; a table column the header does not map reads as its default.
      where = compileExpression(parseExpression(whereText), scope, ctx);
    } catch (error) {
      if (error instanceof SyntaxFailure) throw new LoadError(`Failed to parse where header: ${error.message}`);
      throw new LoadError(error instanceof Error ? error.message : String(error));
    }
  }

  const targetSlots: number[] = [];
  const constants: Stored[] = [];
  const nowText = formatDateTime(partsAt(nowMs, tz));
  for (const column of tableColumns) {
    const lower = column.name.toLowerCase();
    const slot = derivedSlot.get(lower) ?? slotOf.get(lower);
    if (slot !== undefined) {
      targetSlots.push(slot);
      constants.push(null);
      continue;
    }
    targetSlots.push(-1);
    const d = column.default;
    if (d?.kind === 'value') constants.push(d.value);
    else if (d?.kind === 'now') {
      const v = column.convert(nowText);
      constants.push(v === INVALID || v === REJECT ? null : v);
    } else if (column.nullable || d?.kind === 'null') constants.push(null);
    else throw new LoadError(`Column has no default value. column: ${column.name}`);
  }

  let jsonPaths: PathStep[][] | undefined;
  const jsonPathsText = headers['jsonpaths'];
  if (format === 'json' && jsonPathsText !== undefined && jsonPathsText.trim() !== '') {
    let list: unknown;
    try {
      list = JSON.parse(jsonPathsText);
    } catch {
      throw new LoadError(`Invalid json path: ${jsonPathsText}`);
    }
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) throw new LoadError(`Invalid json path: ${jsonPathsText}`);
    jsonPaths = (list as string[]).map((p) => {
      const steps = compilePath(p);
      if (!steps) throw new LoadError(`Invalid json path: ${p}`);
      return steps;
    });
    if (jsonPaths.length !== sourceNames.length) {
      throw new LoadError(`The number of jsonpaths (${jsonPaths.length}) does not match the number of columns (${sourceNames.length})`);
    }
  }
  let jsonRoot: PathStep[] | undefined;
  const rootText = headers['json_root'];
  if (format === 'json' && rootText !== undefined && rootText.trim() !== '') {
    jsonRoot = compilePath(rootText);
    if (!jsonRoot) throw new LoadError(`Invalid json root: ${rootText}`);
  }

  const direct = !mappings && !where && derived.length === 0;
  return {
    def, format, columnSeparator, rowDelimiter, trimSpace, skipHeader, strict,
    maxFilterRatio: parseRatio(headers['max_filter_ratio']),
    sourceNames, slotCount: sourceNames.length + derived.length, derived, where, exprSlots: [...exprSlots], targetSlots, constants,
    jsonPaths, jsonRoot, stripOuterArray, ctx, direct,
  };
}

// ---------------------------------------------------------------- running it

export interface LoadResult {
  batch: Batch;
  total: number;
  filtered: number;
  unselected: number;
  /** Error log lines, at most MAX_ERROR_LINES. */
  errors: string[];
}

const MAX_ERROR_LINES = 1000;
/** After how many rows a load estimates how many it will have, and the most it reserves room for. */
const ESTIMATE_AT = 1000;
const MAX_ESTIMATE = 1 << 17;

// Module-level copies of imported bindings used per value: compiled to CommonJS, each use of an import
// is a getter call.
const { NULL: NULL_TOKEN, TEXT, NUMBER, PLAIN_NUMBER } = Token;
const INVALID_VALUE = INVALID;
const REJECTED = REJECT;
const intAt = simpleIntAt;
const doubleAt = simpleDoubleAt;
const dateAt = isCanonicalDateAt;
const dateTimeAt = isCanonicalDateTimeAt;

/** byteConversion kinds as numbers, for a switch per value. */
const FAST = { none: 0, int: 1, float: 2, double: 3, text: 4, date: 5, datetime: 6 } as const;

class Runner {
  readonly batch: Batch;
  total = 0;
  filtered = 0;
  unselected = 0;
  readonly errors: string[] = [];
  private readonly row: unknown[];
  private readonly vectors: Vector[];
  private readonly converters: Converter[];
  private readonly nullable: boolean[];
  /** The fast paths' tokens of the current row, and how each column converts from its bytes. */
  private readonly tokens: Tokens;
  private readonly fastKind: number[];
  private readonly fastMin: number[];
  private readonly fastMax: number[];
  /** Per slot: converted from its token (a source slot no expression reads). */
  private readonly fromToken: boolean[];
  private reason = '';
  private text = '';
  private lineStart = 0;
  private lineEnd = 0;
  private readonly csvLine = (): string => this.piece(this.lineStart, this.lineEnd);
  /** A JSON row as the general path logs it (JSON.stringify of the parsed row). */
  private readonly jsonLine = (): string => JSON.stringify(JSON.parse(this.piece(this.lineStart, this.lineEnd)));

  /** `source`: the body, for the fast paths (valid UTF-8); the general paths run over its text. */
  constructor(readonly plan: Plan, private readonly bodyLength: number, private readonly source?: Source) {
    this.batch = new Batch(plan.def.columns.length, source);
    this.row = new Array<unknown>(plan.slotCount).fill(null);
    this.vectors = this.batch.vectors;
    this.converters = plan.def.columns.map((c) => c.convert);
    this.nullable = plan.def.columns.map((c) => c.nullable);
    this.tokens = new Tokens(plan.sourceNames.length);
    const fast = plan.def.columns.map((c) => byteConversion(c.type));
    this.fastKind = fast.map((f) => FAST[f.kind]);
    this.fastMin = fast.map((f) => f.min);
    this.fastMax = fast.map((f) => f.max);
    this.fromToken = Array.from({ length: plan.slotCount }, (_, slot) => slot < plan.sourceNames.length && !plan.exprSlots.includes(slot));
  }

  /** Text [start, end) of the body (byte offsets on the fast paths). */
  private piece(start: number, end: number): string {
    return this.source ? this.source.decode(start, end) : this.text.slice(start, end);
  }

  /** Filters a row; `raw` is its source text, or a function giving it (only called when logged). */
  reject(reason: string, raw: string | (() => string)): void {
    this.filtered++;
    if (this.errors.length < MAX_ERROR_LINES) this.errors.push(`Error: ${reason}. Row: ${typeof raw === 'string' ? raw : raw()}`);
  }

  /** Converts one value for table column c; false (with `reason` set) when the row must be filtered. */
  private convert(c: number, v: unknown): boolean {
    const out = this.converters[c]!(v);
    if (out === REJECTED || out === INVALID_VALUE || (out === null && !this.nullable[c])) return this.refuse(c, v, out);
    // Written in place at the next row index: a row refused later is simply overwritten by the next one.
    this.vectors[c]!.set(this.batch.rows, out as Stored);
    return true;
  }

  /**
   * Converts the token of a slot for table column c, straight from its bytes when the result is certain
   * (what the converter would return for the token's value); otherwise as convert() does with that value.
   */
  private convertToken(c: number, slot: number): boolean {
    const tokens = this.tokens;
    const kind = tokens.kinds[slot]!;
    const start = tokens.starts[slot]!;
    const end = tokens.ends[slot]!;
    const vector = this.vectors[c]!;
    const at = this.batch.rows;
    const bytes = this.source!.bytes;
    if (kind === TEXT) {
      switch (this.fastKind[c]) {
        case FAST.text:
          // Valid UTF-8: the value's length in bytes is its span.
          if (end - start <= this.fastMax[c]!) { vector.setRange(at, start, end); return true; }
          break;
        case FAST.datetime:
          if (dateTimeAt(bytes, start, end)) { vector.setRange(at, start, end); return true; }
          break;
        case FAST.date:
          if (dateAt(bytes, start, end)) { vector.setRange(at, start, end); return true; }
          break;
      }
    } else if (kind === NULL_TOKEN && this.nullable[c]) {
      vector.setNull(at);
      return true;
    }
    if (kind === TEXT || kind === NUMBER || kind === PLAIN_NUMBER) {
      // A number's text or a JSON number token: both parse to what the converter makes of the value.
      switch (this.fastKind[c]) {
        case FAST.int: {
          const n = intAt(bytes, start, end);
          if (n >= this.fastMin[c]! && n <= this.fastMax[c]!) { vector.setNumber(at, n); return true; }
          break;
        }
        case FAST.double: {
          const n = doubleAt(bytes, start, end);
          if (n === n) { vector.setNumber(at, n); return true; }
          break;
        }
        case FAST.float: {
          const n = doubleAt(bytes, start, end);
          if (n === n && Number.isFinite(Math.fround(n))) { vector.setNumber(at, Math.fround(n)); return true; }
          break;
        }
      }
    }
    return this.convert(c, tokens.value(slot, this.source!));
  }

  private refuse(c: number, v: unknown, converted: unknown): boolean {
    const column = this.plan.def.columns[c]!;
    if (converted === REJECTED) {
      this.reason = `The length of input is longer than schema. column: ${column.name}, input length: ${utf8Length(String(v))}, schema length: ${column.type.length}`;
      return false;
    }
    if (converted === INVALID_VALUE && this.plan.strict) {
      this.reason = `Value '${String(v)}' is out of range or invalid for column '${column.name}' with type ${typeText(column.type)} in strict mode`;
      return false;
    }
    if (!column.nullable) {
      this.reason = v === null || v === undefined
        ? `NULL value in non-nullable column '${column.name}'`
        : `Value '${String(v)}' converted to NULL for non-nullable column '${column.name}' with type ${typeText(column.type)}`;
      return false;
    }
    this.vectors[c]!.setNull(this.batch.rows);
    return true;
  }

  private accept(): void {
    if (++this.batch.rows === ESTIMATE_AT && this.lineEnd > 0) {
      // The rows so far and the part of the body they took tell how many rows it holds: grow once (up to
      // a bound, as the first rows may be much shorter than the rest; finish() gives back what is unused).
      this.batch.reserve(Math.min(MAX_ESTIMATE, Math.ceil((ESTIMATE_AT * this.bodyLength * 1.1) / this.lineEnd)));
    }
  }

  /** Drops what refused rows left past the last accepted row. */
  finish(): void {
    this.batch.finish();
  }

  /**
   * Handles one row whose source slots are filled: with values in `row`, or (`fromTokens`, the fast paths)
   * as tokens, of which only those an expression reads are made into values.
   */
  processSlots(raw: string | (() => string), fromTokens: boolean): void {
    const plan = this.plan;
    const row = this.row;
    this.total++;
    if (fromTokens) {
      const read = plan.exprSlots;
      for (let i = 0; i < read.length; i++) row[read[i]!] = this.tokens.value(read[i]!, this.source!);
    }
    try {
      for (const d of plan.derived) row[d.slot] = d.fn(row);
    } catch (error) {
      this.reject(`Failed to evaluate an expression: ${error instanceof Error ? error.message : String(error)}`, raw);
      return;
    }
    const slots = plan.targetSlots;
    const fromToken = this.fromToken;
    for (let c = 0; c < slots.length; c++) {
      const slot = slots[c]!;
      if (slot < 0) {
        this.vectors[c]!.set(this.batch.rows, plan.constants[c]!);
        continue;
      }
      if (!(fromTokens && fromToken[slot] ? this.convertToken(c, slot) : this.convert(c, row[slot]))) {
        this.reject(this.reason, raw);
        return;
      }
    }
    if (plan.where && !truthy(plan.where(row))) {
      this.unselected++;
      return;
    }
    this.accept();
  }

  /** The general CSV path, over the body's text. */
  runCsv(text: string): void {
    this.text = text;
    const plan = this.plan;
    const sep = plan.columnSeparator;
    const sepLen = sep.length;
    const delim = plan.rowDelimiter;
    const delimLen = delim.length;
    const expected = plan.sourceNames.length;
    const len = text.length;
    const row = this.row;
    const trim = plan.trimSpace;
    const direct = plan.direct;
    let skip = plan.skipHeader;
    let pos = 0;
    while (pos < len) {
      let end = text.indexOf(delim, pos);
      if (end < 0) end = len;
      const start = pos;
      pos = end + delimLen;
      if (end === start) continue; // empty lines carry no row
      if (skip > 0) { skip--; continue; }
      let n = 0;
      let fieldStart = start;
      // The direct path converts each field as it is cut; `bad` remembers the first conversion failure.
      let bad = '';
      for (;;) {
        let fieldEnd = text.indexOf(sep, fieldStart);
        if (fieldEnd < 0 || fieldEnd > end) fieldEnd = end;
        if (n < expected) {
          let field: string | null = text.slice(fieldStart, fieldEnd);
          if (trim) field = field.trim();
          if (field === '\\N') field = null;
          if (!direct) row[n] = field;
          else if (bad === '' && !this.convert(n, field)) bad = this.reason;
        }
        n++;
        if (fieldEnd === end) break;
        fieldStart = fieldEnd + sepLen;
      }
      if (n !== expected) {
        this.total++;
        this.reject(`Value count does not match column count. Expect ${expected}, but got ${n}`, text.slice(start, end));
        continue;
      }
      if (direct) {
        this.total++;
        if (bad === '') this.accept();
        else this.reject(bad, text.slice(start, end));
      } else {
        // A closure per row would cost more than the row; the slice is made only for rejected rows.
        this.lineStart = start;
        this.lineEnd = end;
        this.processSlots(this.csvLine, false);
      }
    }
  }

  /**
   * The CSV fast path: the fields of each line as tokens of the body's bytes, in one pass. False (nothing
   * done) unless the separator and the delimiter are single, different ASCII bytes and nothing is trimmed.
   */
  runCsvBytes(): boolean {
    const plan = this.plan;
    const sep = plan.columnSeparator.charCodeAt(0);
    const delim = plan.rowDelimiter.charCodeAt(0);
    if (plan.columnSeparator.length !== 1 || plan.rowDelimiter.length !== 1 || sep >= 0x80 || delim >= 0x80 || sep === delim || plan.trimSpace) return false;
    const b = this.source!.bytes;
    const len = b.length;
    const expected = plan.sourceNames.length;
    const { kinds, starts, ends } = this.tokens;
    let skip = plan.skipHeader;
    let pos = 0;
    while (pos < len) {
      const start = pos;
      let n = 0;
      let p = pos;
      for (;;) {
        const fieldStart = p;
        let c = 0;
        while (p < len && (c = b[p]!) !== sep && c !== delim) p++;
        if (n < expected) {
          starts[n] = fieldStart;
          ends[n] = p;
          kinds[n] = p - fieldStart === 2 && b[fieldStart] === 0x5c && b[fieldStart + 1] === 0x4e ? NULL_TOKEN : TEXT; // \N
        }
        n++;
        if (p >= len || c === delim) break;
        p++;
      }
      const end = p;
      pos = p + 1;
      if (end === start) continue; // empty lines carry no row
      if (skip > 0) { skip--; continue; }
      if (n !== expected) {
        this.total++;
        this.reject(`Value count does not match column count. Expect ${expected}, but got ${n}`, this.source!.decode(start, end));
        continue;
      }
      this.lineStart = start;
      this.lineEnd = end;
      this.processSlots(this.csvLine, true);
    }
    return true;
  }

  /**
   * The fast path (jsonScan.ts): false when it does not take this body, or the body is not the one JSON
   * document it expects; the rows seen so far must then be dropped (a new Runner) and runJson run.
   */
  scanJson(wasm = true): boolean {
    const plan = this.plan;
    if (plan.jsonRoot) return false;
    const tree = keyTree(plan.jsonPaths ?? plan.sourceNames.map((name) => [name]));
    if (!tree) return false;
    const source = this.source!;
    const onRow = (start: number, end: number, exact: boolean): void => {
      if (exact) {
        this.lineStart = start;
        this.lineEnd = end;
        this.processSlots(this.jsonLine, true);
      } else {
        this.jsonRow(JSON.parse(source.decode(start, end)));
      }
    };
    const inWasm = wasm ? scanInWasm(tree, this.tokens, !plan.jsonPaths, source.bytes, plan.stripOuterArray, onRow) : undefined;
    return inWasm ?? new JsonScanner(tree, this.tokens, !plan.jsonPaths, onRow).scan(source.bytes, plan.stripOuterArray);
  }

  runJson(text: string): void {
    const plan = this.plan;
    const documents: { value?: unknown; raw: string; error?: string }[] = [];
    const trimmed = text.trim();
    if (trimmed === '') return;
    try {
      documents.push({ value: JSON.parse(trimmed), raw: trimmed });
    } catch {
      // Several documents, one a line (what a Routine Load batch of JSON messages looks like).
      for (const line of trimmed.split('\n')) {
        const t = line.trim();
        if (t === '') continue;
        try {
          documents.push({ value: JSON.parse(t), raw: t });
        } catch (error) {
          documents.push({ raw: t, error: `Failed to parse json data: ${error instanceof Error ? error.message : String(error)}` });
        }
      }
    }
    for (const doc of documents) {
      if (doc.error !== undefined) {
        this.total++;
        this.reject(doc.error, () => doc.raw);
        continue;
      }
      let value = doc.value;
      if (plan.jsonRoot) {
        value = applyPath(value, plan.jsonRoot);
        if (value === undefined) {
          this.total++;
          this.reject('JSON Root not found', () => doc.raw);
          continue;
        }
      }
      if (plan.stripOuterArray) {
        if (!Array.isArray(value)) {
          this.total++;
          this.reject('JSON data is an object, strip_outer_array must be set false', () => doc.raw);
          continue;
        }
        for (const item of value) this.jsonRow(item);
      } else {
        if (Array.isArray(value)) {
          this.total++;
          this.reject('JSON data is an array, strip_outer_array must be set true', () => doc.raw);
          continue;
        }
        this.jsonRow(value);
      }
    }
  }

  private jsonRow(item: unknown): void {
    const plan = this.plan;
    const row = this.row;
    const raw = (): string => JSON.stringify(item);
    if (plan.jsonPaths) {
      for (let i = 0; i < plan.jsonPaths.length; i++) row[i] = jsonScalar(applyPath(item, plan.jsonPaths[i]!));
    } else {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.total++;
        this.reject('JSON value is not an object', raw);
        return;
      }
      const obj = item as Record<string, unknown>;
      for (let i = 0; i < plan.sourceNames.length; i++) {
        const name = plan.sourceNames[i]!;
        let v = obj[name];
        if (v === undefined) {
          const lower = name.toLowerCase();
          const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
          v = key === undefined ? undefined : obj[key];
        }
        row[i] = jsonScalar(v);
      }
    }
    this.processSlots(raw, false);
  }
}

/** JSON values enter a load as the text they would have in a CSV field. */
function jsonScalar(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Runs a load over a body. The fast paths (runCsvBytes, scanJson) read the body's bytes and need each
 * value's text to be its bytes, so they take valid UTF-8 only; `scanner: false` keeps every body on the
 * general paths (tests compare the two); `scanner: 'script'` keeps JSON bodies off the WebAssembly scanner.
 */
export function runLoad(plan: Plan, body: Buffer, options: { scanner?: boolean | 'script' } = {}): LoadResult {
  const ascii = isAscii(body);
  let runner: Runner | undefined;
  if (options.scanner !== false && body.length <= MAX_OFFSET && (ascii || isUtf8(body))) {
    runner = new Runner(plan, body.length, new Source(body, ascii));
    if (!(plan.format === 'csv' ? runner.runCsvBytes() : runner.scanJson(options.scanner !== 'script'))) runner = undefined;
  }
  if (!runner) {
    runner = new Runner(plan, body.length);
    // ASCII decodes the same either way, several times faster as ASCII.
    const text = ascii ? body.toString('ascii') : body.toString('utf8');
    if (plan.format === 'csv') runner.runCsv(text);
    else runner.runJson(text);
  }
  runner.finish();
  return { batch: runner.batch, total: runner.total, filtered: runner.filtered, unselected: runner.unselected, errors: runner.errors };
}

/** Byte offsets are kept in Int32Arrays. */
const MAX_OFFSET = 2 ** 31 - 1;

export { PlanError };
