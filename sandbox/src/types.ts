// StarRocks column types and the conversions a load applies to source values.
// Converters run once per value, so they avoid regular expressions and allocations on the common paths.
// Stored values: numbers for the integer, float and boolean types (boolean as 0/1, as the MySQL
// protocol shows it); strings for dates, datetimes, decimals, text, JSON, and for BIGINT/LARGEINT
// values beyond 2^53, so nothing loses precision.

export type Stored = number | string | null;

/** What a converter returns when the value does not fit the type (becomes NULL unless strict_mode). */
export const INVALID: unique symbol = Symbol('invalid');
/** What a converter returns when the row must be filtered whatever strict_mode says (string too long). */
export const REJECT: unique symbol = Symbol('reject');

export type Converted = Stored | typeof INVALID | typeof REJECT;

export interface ColumnType {
  /** Canonical lower-case name: bigint, int, smallint, tinyint, largeint, boolean, float, double, decimal, date, datetime, char, varchar, json. */
  name: string;
  /** Length for char/varchar (bytes), precision for decimal. */
  length?: number;
  scale?: number;
}

export type Converter = (value: unknown) => Converted;

const ALIASES: Record<string, string> = {
  integer: 'int',
  bool: 'boolean',
  decimalv2: 'decimal',
  decimalv3: 'decimal',
  decimal32: 'decimal',
  decimal64: 'decimal',
  decimal128: 'decimal',
  numeric: 'decimal',
  string: 'varchar',
  text: 'varchar',
};

export const STRING_MAX = 65533;

/** Builds a ColumnType from a DDL type name and its parameters; throws with a StarRocks-like message for types the sandbox lacks. */
export function columnType(name: string, params: number[]): ColumnType {
  const lower = name.toLowerCase();
  const canonical = ALIASES[lower] ?? lower;
  switch (canonical) {
    case 'bigint': case 'int': case 'smallint': case 'tinyint': case 'largeint':
    case 'boolean': case 'float': case 'double': case 'date': case 'datetime': case 'json':
      return { name: canonical };
    case 'decimal': {
      const precision = params[0] ?? 10;
      const scale = params[1] ?? 0;
      if (precision < 1 || precision > 38) throw new Error(`Invalid decimal precision: ${precision}, it must be between 1 and 38`);
      if (scale < 0 || scale > precision) throw new Error(`Invalid decimal scale: ${scale}, it must be between 0 and ${precision}`);
      return { name: 'decimal', length: precision, scale };
    }
    case 'char': {
      const length = params[0] ?? 1;
      if (length < 1 || length > 255) throw new Error(`Char size must between 1 and 255. Char size: ${length}`);
      return { name: 'char', length };
    }
    case 'varchar': {
      const length = lower === 'string' || lower === 'text' ? STRING_MAX : params[0] ?? STRING_MAX;
      if (length < 1 || length > 1048576) throw new Error(`Varchar size must between 1 and 1048576. Varchar size: ${length}`);
      return { name: 'varchar', length };
    }
    default:
      throw new Error(`Type ${name.toUpperCase()} is not supported by the sandbox`);
  }
}

/** The type as StarRocks' FE names it in `_schema` (PrimitiveType). */
export function primitiveName(type: ColumnType): string {
  if (type.name === 'decimal') {
    const p = type.length ?? 10;
    return p <= 9 ? 'DECIMAL32' : p <= 18 ? 'DECIMAL64' : 'DECIMAL128';
  }
  return type.name.toUpperCase();
}

/** The type as written in DDL and messages, e.g. VARCHAR(26), DECIMAL(10,2). */
export function typeText(type: ColumnType): string {
  if (type.name === 'decimal') return `DECIMAL(${type.length},${type.scale})`;
  if (type.name === 'char' || type.name === 'varchar') return `${type.name.toUpperCase()}(${type.length})`;
  return type.name.toUpperCase();
}

// ---------------------------------------------------------------- integers

const INT_RANGE: Record<string, [number, number]> = {
  tinyint: [-128, 127],
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
};
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
const LARGEINT_MIN = -(2n ** 127n);
const LARGEINT_MAX = 2n ** 127n - 1n;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** Parses a decimal integer text with optional sign and surrounding blanks; NaN when it is not one. Exact up to 2^53. */
function parseIntText(s: string): number {
  let i = 0;
  let end = s.length;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  while (end > i && isSpace(s.charCodeAt(end - 1))) end--;
  if (i === end) return NaN;
  let negative = false;
  const first = s.charCodeAt(i);
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
    if (i === end) return NaN;
  }
  if (end - i > 15) return NaN; // longer numbers go through BigInt
  let n = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/**
 * Bytes [start, end) as `-?[0-9]{1,15}`: the number parseIntText gives that text. NaN for any other text,
 * and for -0 (JSON and CSV disagree on it): callers convert those the general way.
 */
export function simpleIntAt(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  if (end - i < 1 || end - i > 15) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  if (!negative) return n;
  return n === 0 ? NaN : -n;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Bytes [start, end) as `-?[0-9]*(.[0-9]*)?` with 1 to 15 digits: the number Number() gives that text (the
 * digits and the power of ten are both exact doubles, so their quotient is the correctly rounded value).
 * NaN for any other text, and for -0: callers convert those the general way.
 */
export function simpleDoubleAt(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0) point = digits;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = point < 0 || point === digits ? m : m / POW10[digits - point]!;
  if (!negative) return v;
  return m === 0 ? NaN : -v;
}

function bigIntText(s: string): bigint | undefined {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  return BigInt(t);
}

function smallIntConverter(name: string): Converter {
  const [min, max] = INT_RANGE[name]!;
  return (v) => {
    if (v === null || v === undefined) return null;
    let n: number;
    if (typeof v === 'string') n = parseIntText(v);
    else if (typeof v === 'number') n = Math.trunc(v);
    else if (typeof v === 'boolean') n = v ? 1 : 0;
    else return INVALID;
    if (n !== n || n < min || n > max) return INVALID;
    return n;
  };
}

function bigConverter(min: bigint, max: bigint): Converter {
  const safeMin = Number.MIN_SAFE_INTEGER;
  const safeMax = Number.MAX_SAFE_INTEGER;
  return (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') {
      const n = parseIntText(v);
      if (n === n) return n;
      const b = bigIntText(v);
      if (b === undefined || b < min || b > max) return INVALID;
      return b >= BigInt(safeMin) && b <= BigInt(safeMax) ? Number(b) : b.toString();
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return INVALID;
      const t = Math.trunc(v);
      if (t >= safeMin && t <= safeMax) return t;
      const b = BigInt(t);
      return b < min || b > max ? INVALID : b.toString();
    }
    if (typeof v === 'bigint') return v < min || v > max ? INVALID : v >= BigInt(safeMin) && v <= BigInt(safeMax) ? Number(v) : v.toString();
    if (typeof v === 'boolean') return v ? 1 : 0;
    return INVALID;
  };
}

// ---------------------------------------------------------------- floats and decimals

function parseFloatText(s: string): number {
  const n = s.length;
  const t = n > 0 && !isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1)) ? s : s.trim();
  if (t.length === 0) return NaN;
  // Number() would accept hex, binary and "Infinity", which StarRocks does not.
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return NaN;
  }
  return Number(t);
}

const floatConverter = (single: boolean): Converter => (v) => {
  if (v === null || v === undefined) return null;
  let n: number;
  if (typeof v === 'string') n = parseFloatText(v);
  else if (typeof v === 'number') n = v;
  else if (typeof v === 'boolean') n = v ? 1 : 0;
  else return INVALID;
  if (!Number.isFinite(n)) return INVALID;
  if (single) {
    n = Math.fround(n);
    if (!Number.isFinite(n)) return INVALID;
  }
  return n;
};

/** Rounds a decimal text half away from zero to `scale` digits; undefined when it has more than `precision - scale` integer digits. */
export function decimalText(input: string, precision: number, scale: number): string | undefined {
  let t = input.trim();
  const exp = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!exp || (exp[2] === '' && (exp[3] === undefined || exp[3] === ''))) return undefined;
  const negative = exp[1] === '-';
  let digits = (exp[2] ?? '') + (exp[3] ?? '');
  let point = (exp[2] ?? '').length + (exp[4] ? Number(exp[4]) : 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  let intPart = digits.slice(0, point).replace(/^0+/, '');
  let frac = digits.slice(point);
  if (frac.length > scale) {
    const roundUp = frac.charCodeAt(scale) >= 53;
    frac = frac.slice(0, scale);
    if (roundUp) {
      const all = (intPart + frac).split('').map(Number);
      let i = all.length - 1;
      while (i >= 0) {
        if (all[i]! < 9) { all[i]!++; break; }
        all[i] = 0;
        i--;
      }
      let joined = all.join('');
      if (i < 0) joined = '1' + joined;
      intPart = joined.slice(0, joined.length - scale).replace(/^0+/, '');
      frac = joined.slice(joined.length - scale);
    }
  } else {
    frac = frac.padEnd(scale, '0');
  }
  if (intPart.length > precision - scale) return undefined;
  t = (intPart === '' ? '0' : intPart) + (scale > 0 ? '.' + frac : '');
  const zero = /^[0.]*$/.test(t);
  return negative && !zero ? '-' + t : t;
}

function decimalConverter(precision: number, scale: number): Converter {
  return (v) => {
    if (v === null || v === undefined) return null;
    let text: string;
    if (typeof v === 'string') text = v;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return INVALID;
      text = String(v);
    } else if (typeof v === 'bigint') text = v.toString();
    else if (typeof v === 'boolean') text = v ? '1' : '0';
    else return INVALID;
    return decimalText(text, precision, scale) ?? INVALID;
  };
}

// ---------------------------------------------------------------- boolean

const booleanConverter: Converter = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isNaN(v) ? INVALID : v !== 0 ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return 1;
    if (t === 'false' || t === '0') return 0;
    const n = parseFloatText(t);
    if (Number.isFinite(n)) return n !== 0 ? 1 : 0;
  }
  return INVALID;
};

// ---------------------------------------------------------------- dates

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad4(n: number): string {
  return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : String(n);
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  /** Whether the text had a time part. */
  hasTime: boolean;
}

function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** digitsAt over bytes. */
function byteDigitsAt(b: Uint8Array, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function validTime(h: number, m: number, s: number): boolean {
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 59;
}

/**
 * Parses the date and datetime texts StarRocks accepts: `YYYY-MM-DD`, `YYYY-M-D`, `YYYYMMDD`,
 * each optionally followed by ` HH:MM:SS[.ffffff]` or `T…`, and `YYYYMMDDHHMMSS`.
 */
export function parseDateTime(input: string): DateParts | undefined {
  const s = input.trim();
  let year: number, month: number, day: number;
  let rest: number;
  // Fast paths: YYYY-MM-DD, and YYYYMMDD alone
  if (s.length === 8 && digitsAt(s, 0, 8) >= 0) {
    year = digitsAt(s, 0, 4);
    month = digitsAt(s, 4, 2);
    day = digitsAt(s, 6, 2);
    rest = 8;
  } else if (s.length >= 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    year = digitsAt(s, 0, 4);
    month = digitsAt(s, 5, 2);
    day = digitsAt(s, 8, 2);
    rest = 10;
  } else {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})/.exec(s);
    if (!m) return undefined;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
    rest = m[0].length;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const parts: DateParts = { year, month, day, hour: 0, minute: 0, second: 0, micro: 0, hasTime: false };
  if (rest === s.length) return parts;
  let t = s.slice(rest);
  if (/^\d{6}$/.test(t) && rest === 8) {
    t = `${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`;
  } else if (t[0] === ' ' || t[0] === 'T') {
    t = t.slice(1).trimStart();
  } else {
    return undefined;
  }
  const tm = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?$/.exec(t);
  if (!tm) return undefined;
  parts.hour = Number(tm[1]);
  parts.minute = Number(tm[2]);
  parts.second = tm[3] ? Number(tm[3]) : 0;
  parts.micro = tm[4] ? Number(tm[4].padEnd(6, '0')) : 0;
  parts.hasTime = true;
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return undefined;
  return parts;
}

export function formatDate(p: { year: number; month: number; day: number }): string {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

export function formatDateTime(p: DateParts): string {
  const base = `${formatDate(p)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
  return p.micro ? `${base}.${String(p.micro).padStart(6, '0')}` : base;
}

function isCanonicalDate(s: string): boolean {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  return validDate(digitsAt(s, 0, 4), digitsAt(s, 5, 2), digitsAt(s, 8, 2));
}

/** Bytes [start, end) are a valid `YYYY-MM-DD`: the date converter stores such a text as it is. */
export function isCanonicalDateAt(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 10 && b[start + 4] === 45 && b[start + 7] === 45
    && validDate(byteDigitsAt(b, start, 4), byteDigitsAt(b, start + 5, 2), byteDigitsAt(b, start + 8, 2));
}

/** The last date text converted and its result: rows of a load mostly repeat a date, and share its string. */
let lastDateIn = '';
let lastDateOut = '';

const dateConverter: Converter = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === lastDateIn) return lastDateOut;
    if (v.length === 10 && isCanonicalDate(v)) return v;
    const p = parseDateTime(v);
    if (!p) return INVALID;
    lastDateIn = v;
    lastDateOut = formatDate(p);
    return lastDateOut;
  }
  if (typeof v === 'number' && Number.isInteger(v)) {
    const p = parseDateTime(String(v));
    return p ? formatDate(p) : INVALID;
  }
  return INVALID;
};

/** `YYYY-MM-DD HH:MM:SS` exactly, valid: stored as given, without re-formatting. */
function isCanonicalDateTime(s: string): boolean {
  if (s.length !== 19 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || !isCanonicalDate(s)) return false;
  return validTime(digitsAt(s, 11, 2), digitsAt(s, 14, 2), digitsAt(s, 17, 2));
}

/** Bytes [start, end) are a valid `YYYY-MM-DD HH:MM:SS`: the datetime converter stores such a text as it is. */
export function isCanonicalDateTimeAt(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 19 && b[start + 10] === 32 && b[start + 13] === 58 && b[start + 16] === 58
    && isCanonicalDateAt(b, start, start + 10)
    && validTime(byteDigitsAt(b, start + 11, 2), byteDigitsAt(b, start + 14, 2), byteDigitsAt(b, start + 17, 2));
}

const datetimeConverter: Converter = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && isCanonicalDateTime(v)) return v;
  if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) {
    const p = parseDateTime(String(v));
    return p ? formatDateTime(p) : INVALID;
  }
  return INVALID;
};

// ---------------------------------------------------------------- strings and JSON

/** UTF-8 byte length (Buffer's native count: a JS loop over a long sliced string costs ten times more). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function stringOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  return undefined;
}

function stringConverter(maxBytes: number): Converter {
  const fast = Math.floor(maxBytes / 3);
  return (v) => {
    if (v === null || v === undefined) return null;
    const s = typeof v === 'string' ? v : stringOf(v);
    if (s === undefined) return INVALID;
    // A string of at most maxBytes/3 UTF-16 units fits whatever its characters are.
    if (s.length <= fast || utf8Length(s) <= maxBytes) return s;
    return REJECT;
  };
}

const jsonConverter: Converter = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v !== 'string') return INVALID;
  try {
    return JSON.stringify(JSON.parse(v));
  } catch {
    return INVALID;
  }
};

export function converterFor(type: ColumnType): Converter {
  switch (type.name) {
    case 'tinyint': case 'smallint': case 'int': return smallIntConverter(type.name);
    case 'bigint': return bigConverter(BIGINT_MIN, BIGINT_MAX);
    case 'largeint': return bigConverter(LARGEINT_MIN, LARGEINT_MAX);
    case 'float': return floatConverter(true);
    case 'double': return floatConverter(false);
    case 'decimal': return decimalConverter(type.length ?? 10, type.scale ?? 0);
    case 'boolean': return booleanConverter;
    case 'date': return dateConverter;
    case 'datetime': return datetimeConverter;
    case 'char': case 'varchar': return stringConverter(type.length ?? STRING_MAX);
    case 'json': return jsonConverter;
    default: throw new Error(`Type ${type.name} is not supported by the sandbox`);
  }
}

/** How the fast paths convert a column's values straight from the body's bytes (general way otherwise). */
export interface ByteConversion {
  kind: 'int' | 'float' | 'double' | 'text' | 'date' | 'datetime' | 'none';
  /** int: the range of values; text: `max` is the length in bytes. */
  min: number;
  max: number;
}

export function byteConversion(type: ColumnType): ByteConversion {
  switch (type.name) {
    case 'tinyint': case 'smallint': case 'int': {
      const [min, max] = INT_RANGE[type.name]!;
      return { kind: 'int', min, max };
    }
    // Up to 15 digits, any value fits and is exact.
    case 'bigint': case 'largeint': return { kind: 'int', min: -Infinity, max: Infinity };
    case 'float': return { kind: 'float', min: 0, max: 0 };
    case 'double': return { kind: 'double', min: 0, max: 0 };
    case 'date': return { kind: 'date', min: 0, max: 0 };
    case 'datetime': return { kind: 'datetime', min: 0, max: 0 };
    case 'char': case 'varchar': return { kind: 'text', min: 0, max: type.length ?? STRING_MAX };
    default: return { kind: 'none', min: 0, max: 0 };
  }
}

/** Types whose stored values compare as numbers (for ORDER BY and WHERE on read-back). */
export function isNumericType(type: ColumnType): boolean {
  return ['tinyint', 'smallint', 'int', 'bigint', 'largeint', 'float', 'double', 'decimal', 'boolean'].includes(type.name);
}
