// The scalar functions a load's `columns` and `where` may call, with StarRocks' NULL rules:
// almost every function returns NULL when an argument is NULL.

import { applyPath, compilePath, PathStep } from './jsonpath';
import { DateParts, formatDate, formatDateTime, parseDateTime, stringOf, utf8Length } from './types';
import { instantOf, partsAt, Zone } from './time';

export interface EvalContext {
  zone: Zone;
  /** now() is fixed for the whole load, as in a StarRocks query. */
  nowMs: number;
}

export interface FunctionSpec {
  min: number;
  max: number;
  /** False for the few functions that look at NULL arguments themselves (coalesce, ifnull, if, concat_ws…). */
  nullPropagates: boolean;
  fn: (args: unknown[], ctx: EvalContext) => unknown;
}

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const simple = simpleInteger(v);
    if (simple === simple) return simple;
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    if (Number.isNaN(n) || /^[+-]?0[xXbBoO]/.test(t) || /inf/i.test(t)) return null;
    return n;
  }
  return null;
}

/** A text of 1 to 15 digits with an optional minus sign as a number (what Number() gives), else NaN. */
function simpleInteger(s: string): number {
  const len = s.length;
  let i = len > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (len === i || len - i > 15) return NaN;
  let n = 0;
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return s.charCodeAt(0) === 45 ? -n : n;
}

export function toStr(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return stringOf(v) ?? null;
}

function toInt(v: unknown): number | null {
  const n = toNumber(v);
  return n === null ? null : Math.trunc(n);
}

// ---------------------------------------------------------------- date formatting

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));

function dayOfYear(p: DateParts): number {
  return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1;
}

function weekday(p: DateParts): number {
  return new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
}

/** MySQL/StarRocks date_format specifiers. */
export function dateFormat(p: DateParts, format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i === format.length - 1) {
      out += c;
      continue;
    }
    const s = format[++i];
    switch (s) {
      case 'Y': out += String(p.year).padStart(4, '0'); break;
      case 'y': out += p2(p.year % 100); break;
      case 'm': out += p2(p.month); break;
      case 'c': out += String(p.month); break;
      case 'd': out += p2(p.day); break;
      case 'e': out += String(p.day); break;
      case 'H': out += p2(p.hour); break;
      case 'k': out += String(p.hour); break;
      case 'h': case 'I': out += p2(p.hour % 12 === 0 ? 12 : p.hour % 12); break;
      case 'l': out += String(p.hour % 12 === 0 ? 12 : p.hour % 12); break;
      case 'i': out += p2(p.minute); break;
      case 's': case 'S': out += p2(p.second); break;
      case 'f': out += String(p.micro).padStart(6, '0'); break;
      case 'p': out += p.hour < 12 ? 'AM' : 'PM'; break;
      case 'j': out += String(dayOfYear(p)).padStart(3, '0'); break;
      case 'M': out += MONTHS[p.month - 1]; break;
      case 'b': out += MONTHS[p.month - 1]!.slice(0, 3); break;
      case 'W': out += DAYS[weekday(p)]; break;
      case 'a': out += DAYS[weekday(p)]!.slice(0, 3); break;
      case 'w': out += String(weekday(p)); break;
      case 'T': out += `${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`; break;
      case 'r': out += `${p2(p.hour % 12 === 0 ? 12 : p.hour % 12)}:${p2(p.minute)}:${p2(p.second)} ${p.hour < 12 ? 'AM' : 'PM'}`; break;
      case '%': out += '%'; break;
      default: out += s;
    }
  }
  return out;
}

/** str_to_date: parses `text` with a date_format pattern; undefined when it does not match. */
export function strToDate(text: string, format: string): DateParts | undefined {
  const p: DateParts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0, hasTime: false };
  let pm: boolean | undefined;
  let i = 0;
  const num = (maxLen: number): number | undefined => {
    let j = i;
    while (j < text.length && j - i < maxLen && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    if (j === i) return undefined;
    const n = Number(text.slice(i, j));
    i = j;
    return n;
  };
  for (let f = 0; f < format.length; f++) {
    const c = format[f];
    if (c !== '%') {
      if (/\s/.test(c!)) {
        while (i < text.length && /\s/.test(text[i]!)) i++;
        continue;
      }
      if (text[i] !== c) return undefined;
      i++;
      continue;
    }
    const s = format[++f];
    let n: number | undefined;
    switch (s) {
      case 'Y': n = num(4); if (n === undefined) return undefined; p.year = n; break;
      case 'y': n = num(2); if (n === undefined) return undefined; p.year = n < 70 ? 2000 + n : 1900 + n; break;
      case 'm': case 'c': n = num(2); if (n === undefined) return undefined; p.month = n; break;
      case 'd': case 'e': n = num(2); if (n === undefined) return undefined; p.day = n; break;
      case 'H': case 'k': case 'h': case 'I': case 'l': n = num(2); if (n === undefined) return undefined; p.hour = n; p.hasTime = true; break;
      case 'i': n = num(2); if (n === undefined) return undefined; p.minute = n; p.hasTime = true; break;
      case 's': case 'S': n = num(2); if (n === undefined) return undefined; p.second = n; p.hasTime = true; break;
      case 'f': {
        const start = i;
        n = num(6);
        if (n === undefined) return undefined;
        p.micro = Number(text.slice(start, i).padEnd(6, '0'));
        break;
      }
      case 'p': {
        const ap = text.slice(i, i + 2).toUpperCase();
        if (ap !== 'AM' && ap !== 'PM') return undefined;
        pm = ap === 'PM';
        i += 2;
        break;
      }
      case 'M': case 'b': {
        const rest = text.slice(i).toLowerCase();
        const idx = MONTHS.findIndex((m) => rest.startsWith(s === 'M' ? m.toLowerCase() : m.slice(0, 3).toLowerCase()));
        if (idx < 0) return undefined;
        p.month = idx + 1;
        i += s === 'M' ? MONTHS[idx]!.length : 3;
        break;
      }
      case 'T': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})/.exec(text.slice(i));
        if (!m) return undefined;
        p.hour = Number(m[1]); p.minute = Number(m[2]); p.second = Number(m[3]); p.hasTime = true;
        i += m[0].length;
        break;
      }
      case '%': if (text[i] !== '%') return undefined; i++; break;
      default: return undefined;
    }
  }
  if (pm !== undefined) p.hour = (p.hour % 12) + (pm ? 12 : 0);
  // Extra trailing text is ignored, as StarRocks does.
  const check = parseDateTime(`${String(p.year).padStart(4, '0')}-${p2(p.month)}-${p2(p.day)} ${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`);
  if (!check) return undefined;
  return p;
}

const MAX_UNIX = 253402271999;

function datetimeParts(v: unknown): DateParts | undefined {
  const s = toStr(v);
  return s === null ? undefined : parseDateTime(s);
}

// ---------------------------------------------------------------- JSON helpers

const pathCache = new Map<string, PathStep[] | undefined>();
let lastJsonText: string | undefined;
let lastJsonValue: unknown;

function jsonAt(json: unknown, path: unknown): unknown {
  const text = toStr(json);
  const p = toStr(path);
  if (text === null || p === null) return undefined;
  let steps = pathCache.get(p);
  if (!pathCache.has(p)) {
    steps = compilePath(p);
    pathCache.set(p, steps);
  }
  if (!steps) return undefined;
  // One row usually reads several fields of the same document: parse it once.
  if (text !== lastJsonText) {
    try {
      lastJsonValue = JSON.parse(text);
    } catch {
      lastJsonValue = undefined;
    }
    lastJsonText = text;
  }
  return lastJsonValue === undefined ? undefined : applyPath(lastJsonValue, steps);
}

// ---------------------------------------------------------------- the catalogue

const F = (min: number, max: number, fn: FunctionSpec['fn'], nullPropagates = true): FunctionSpec => ({ min, max, fn, nullPropagates });
const MANY = Number.POSITIVE_INFINITY;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const v = Math.abs(x) * f;
  // Half away from zero, with a nudge against binary representation error (2.675 → 2.68).
  const r = Math.round(v + 1e-9 * Math.max(1, v)) / f;
  return x < 0 ? -r : r;
}

export const FUNCTIONS: Record<string, FunctionSpec> = {
  // conditionals
  if: F(3, 3, ([c, a, b]) => (truthy(c) ? a : b), false),
  ifnull: F(2, 2, ([a, b]) => (a === null ? b : a), false),
  nvl: F(2, 2, ([a, b]) => (a === null ? b : a), false),
  coalesce: F(1, MANY, (args) => args.find((a) => a !== null) ?? null, false),
  nullif: F(2, 2, ([a, b]) => (a !== null && b !== null && compareValues(a, b) === 0 ? null : a), false),
  // strings
  concat: F(1, MANY, (args) => args.map((a) => toStr(a)).join('')),
  concat_ws: F(2, MANY, ([sep, ...rest]) => (sep === null ? null : rest.filter((a) => a !== null).map((a) => toStr(a)).join(toStr(sep)!)), false),
  substr: F(2, 3, ([s, pos, len]) => substr(toStr(s)!, toInt(pos)!, len === undefined ? undefined : toInt(len)!)),
  substring: F(2, 3, ([s, pos, len]) => substr(toStr(s)!, toInt(pos)!, len === undefined ? undefined : toInt(len)!)),
  left: F(2, 2, ([s, n]) => [...toStr(s)!].slice(0, Math.max(0, toInt(n)!)).join('')),
  right: F(2, 2, ([s, n]) => { const c = [...toStr(s)!]; const k = Math.max(0, toInt(n)!); return k === 0 ? '' : c.slice(-k).join(''); }),
  upper: F(1, 1, ([s]) => toStr(s)!.toUpperCase()),
  ucase: F(1, 1, ([s]) => toStr(s)!.toUpperCase()),
  lower: F(1, 1, ([s]) => toStr(s)!.toLowerCase()),
  lcase: F(1, 1, ([s]) => toStr(s)!.toLowerCase()),
  trim: F(1, 1, ([s]) => toStr(s)!.replace(/^ +| +$/g, '')),
  ltrim: F(1, 1, ([s]) => toStr(s)!.replace(/^ +/, '')),
  rtrim: F(1, 1, ([s]) => toStr(s)!.replace(/ +$/, '')),
  length: F(1, 1, ([s]) => utf8Length(toStr(s)!)),
  char_length: F(1, 1, ([s]) => [...toStr(s)!].length),
  character_length: F(1, 1, ([s]) => [...toStr(s)!].length),
  replace: F(3, 3, ([s, from, to]) => { const f = toStr(from)!; return f === '' ? toStr(s) : toStr(s)!.split(f).join(toStr(to)!); }),
  lpad: F(3, 3, ([s, n, pad]) => padded(toStr(s)!, toInt(n)!, toStr(pad)!, true)),
  rpad: F(3, 3, ([s, n, pad]) => padded(toStr(s)!, toInt(n)!, toStr(pad)!, false)),
  reverse: F(1, 1, ([s]) => [...toStr(s)!].reverse().join('')),
  split_part: F(3, 3, ([s, d, n]) => { const parts = toStr(s)!.split(toStr(d)!); const i = toInt(n)!; return i >= 1 && i <= parts.length ? parts[i - 1]! : null; }),
  // numbers
  abs: F(1, 1, ([x]) => nullable(toNumber(x), Math.abs)),
  round: F(1, 2, ([x, d]) => nullable(toNumber(x), (n) => round(n, d === undefined ? 0 : toInt(d)!))),
  floor: F(1, 1, ([x]) => nullable(toNumber(x), Math.floor)),
  ceil: F(1, 1, ([x]) => nullable(toNumber(x), Math.ceil)),
  ceiling: F(1, 1, ([x]) => nullable(toNumber(x), Math.ceil)),
  truncate: F(2, 2, ([x, d]) => nullable(toNumber(x), (n) => { const f = 10 ** toInt(d)!; return Math.trunc(n * f) / f; })),
  mod: F(2, 2, ([a, b]) => { const x = toNumber(a); const y = toNumber(b); return x === null || y === null || y === 0 ? null : x % y; }),
  greatest: F(1, MANY, (args) => args.reduce((m, a) => (compareValues(a, m) > 0 ? a : m))),
  least: F(1, MANY, (args) => args.reduce((m, a) => (compareValues(a, m) < 0 ? a : m))),
  // dates
  now: F(0, 0, (_a, ctx) => formatDateTime(partsAt(ctx.nowMs, ctx.zone))),
  current_timestamp: F(0, 0, (_a, ctx) => formatDateTime(partsAt(ctx.nowMs, ctx.zone))),
  curdate: F(0, 0, (_a, ctx) => formatDate(partsAt(ctx.nowMs, ctx.zone))),
  current_date: F(0, 0, (_a, ctx) => formatDate(partsAt(ctx.nowMs, ctx.zone))),
  from_unixtime: F(1, 2, ([ts, fmt], ctx) => {
    const n = toInt(ts);
    if (n === null || n < 0 || n > MAX_UNIX) return null;
    const p = partsAt(n * 1000, ctx.zone);
    return fmt === undefined ? formatDateTime(p) : dateFormat(p, toStr(fmt)!);
  }),
  unix_timestamp: F(0, 2, (args, ctx) => {
    if (args.length === 0) return Math.floor(ctx.nowMs / 1000);
    const p = args.length === 2 ? strToDate(toStr(args[0])!, toStr(args[1])!) : datetimeParts(args[0]);
    if (!p) return null;
    const s = Math.floor(instantOf(p, ctx.zone) / 1000);
    return s < 0 || s > MAX_UNIX ? 0 : s;
  }),
  str_to_date: F(2, 2, ([s, fmt]) => { const p = strToDate(toStr(s)!, toStr(fmt)!); return p ? formatDateTime(p) : null; }),
  date_format: F(2, 2, ([d, fmt]) => { const p = datetimeParts(d); return p ? dateFormat(p, toStr(fmt)!) : null; }),
  to_date: F(1, 1, ([d]) => { const p = datetimeParts(d); return p ? formatDate(p) : null; }),
  date: F(1, 1, ([d]) => { const p = datetimeParts(d); return p ? formatDate(p) : null; }),
  year: F(1, 1, ([d]) => datetimeParts(d)?.year ?? null),
  month: F(1, 1, ([d]) => datetimeParts(d)?.month ?? null),
  day: F(1, 1, ([d]) => datetimeParts(d)?.day ?? null),
  dayofmonth: F(1, 1, ([d]) => datetimeParts(d)?.day ?? null),
  hour: F(1, 1, ([d]) => datetimeParts(d)?.hour ?? null),
  minute: F(1, 1, ([d]) => datetimeParts(d)?.minute ?? null),
  second: F(1, 1, ([d]) => datetimeParts(d)?.second ?? null),
  // JSON
  get_json_string: F(2, 2, ([j, p]) => { const v = jsonAt(j, p); return v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v); }),
  get_json_int: F(2, 2, ([j, p]) => { const v = jsonAt(j, p); return typeof v === 'number' && Number.isInteger(v) ? v : null; }),
  get_json_bigint: F(2, 2, ([j, p]) => { const v = jsonAt(j, p); return typeof v === 'number' && Number.isInteger(v) ? v : null; }),
  get_json_double: F(2, 2, ([j, p]) => { const v = jsonAt(j, p); return typeof v === 'number' ? v : null; }),
  parse_json: F(1, 1, ([s]) => { try { return JSON.stringify(JSON.parse(toStr(s)!)); } catch { return null; } }),
  json_query: F(2, 2, ([j, p]) => { const v = jsonAt(j, p); return v === undefined ? null : JSON.stringify(v); }),
};

function nullable(n: number | null, f: (n: number) => number): number | null {
  return n === null ? null : f(n);
}

function substr(s: string, pos: number, len?: number): string {
  const chars = [...s];
  if (pos === 0 || Math.abs(pos) > chars.length) return '';
  const start = pos > 0 ? pos - 1 : chars.length + pos;
  if (len !== undefined && len <= 0) return '';
  return chars.slice(start, len === undefined ? undefined : start + len).join('');
}

function padded(s: string, n: number, pad: string, left: boolean): string | null {
  if (n < 0) return null;
  const chars = [...s];
  if (chars.length >= n) return chars.slice(0, n).join('');
  if (pad === '') return null;
  let fill = '';
  while ([...fill].length < n - chars.length) fill += pad;
  fill = [...fill].slice(0, n - chars.length).join('');
  return left ? fill + s : s + fill;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const n = toNumber(v);
  return n !== null && n !== 0;
}

/**
 * Orders two non-NULL values as StarRocks would after implicit casts: numbers against numbers,
 * a number against a string by the string's numeric value, strings against strings by code point.
 * NaN when the string does not convert (the comparison is then NULL).
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}
