// Compiles the language core's Expression AST into closures over a row of slots, once per load,
// so evaluating a row is a few function calls, not a tree walk with name lookups.
// Values are JS null, string, number or boolean; dates travel as their canonical text.

import type { Expression, TypeName } from '../../server/src/language/ast';
import { compareValues, EvalContext, FUNCTIONS, toNumber, toStr, truthy } from './functions';
import { columnType, converterFor, INVALID, REJECT } from './types';

export type Row = unknown[];
export type Compiled = (row: Row) => unknown;

/** A load that cannot be planned: StarRocks answers Status Fail with this message. */
export class PlanError extends Error {}

export interface Scope {
  /** The slot of a column name (case-insensitive), or undefined when it is unknown. */
  slot(name: string): number | undefined;
  /** For `Unknown column 'x' in 't'`. */
  tableName: string;
}

export function compileExpression(expr: Expression, scope: Scope, ctx: EvalContext): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      return () => v;
    }
    case 'paren':
      return compileExpression(expr.inner, scope, ctx);
    case 'column': {
      const slot = scope.slot(expr.name.name);
      if (slot === undefined) throw new PlanError(`Unknown column '${expr.name.name}' in '${scope.tableName}'`);
      return (row) => row[slot];
    }
    case 'unary': {
      const operand = compileExpression(expr.operand, scope, ctx);
      if (expr.op === 'NOT') return (row) => { const v = operand(row); return v === null ? null : !truthy(v); };
      if (expr.op === '-') return (row) => { const n = toNumber(operand(row)); return n === null ? null : -n; };
      return (row) => toNumber(operand(row));
    }
    case 'binary':
      return compileBinary(expr.op, compileExpression(expr.left, scope, ctx), compileExpression(expr.right, scope, ctx));
    case 'isNull': {
      const operand = compileExpression(expr.operand, scope, ctx);
      return expr.not ? (row) => operand(row) !== null : (row) => operand(row) === null;
    }
    case 'in': {
      const operand = compileExpression(expr.operand, scope, ctx);
      const list = expr.list.map((e) => compileExpression(e, scope, ctx));
      const not = expr.not;
      return (row) => {
        const v = operand(row);
        if (v === null) return null;
        let sawNull = false;
        for (const item of list) {
          const w = item(row);
          if (w === null) { sawNull = true; continue; }
          if (compareValues(v, w) === 0) return !not;
        }
        return sawNull ? null : not;
      };
    }
    case 'between': {
      const operand = compileExpression(expr.operand, scope, ctx);
      const low = compileExpression(expr.low, scope, ctx);
      const high = compileExpression(expr.high, scope, ctx);
      const not = expr.not;
      return (row) => {
        const v = operand(row);
        const l = low(row);
        const h = high(row);
        if (v === null || l === null || h === null) return null;
        const a = compareValues(v, l);
        const b = compareValues(v, h);
        if (Number.isNaN(a) || Number.isNaN(b)) return null;
        const inside = a >= 0 && b <= 0;
        return not ? !inside : inside;
      };
    }
    case 'like': {
      const operand = compileExpression(expr.operand, scope, ctx);
      const not = expr.not;
      if (expr.pattern.kind === 'literal' && typeof expr.pattern.value === 'string') {
        const re = likeRegExp(expr.pattern.value);
        return (row) => { const s = toStr(operand(row)); return s === null ? null : re.test(s) !== not; };
      }
      const pattern = compileExpression(expr.pattern, scope, ctx);
      return (row) => {
        const s = toStr(operand(row));
        const p = toStr(pattern(row));
        return s === null || p === null ? null : likeRegExp(p).test(s) !== not;
      };
    }
    case 'case': {
      const operand = expr.operand ? compileExpression(expr.operand, scope, ctx) : undefined;
      const whens = expr.whens.map((w) => ({ when: compileExpression(w.when, scope, ctx), then: compileExpression(w.then, scope, ctx) }));
      const otherwise = expr.else ? compileExpression(expr.else, scope, ctx) : () => null;
      if (operand) {
        return (row) => {
          const v = operand(row);
          if (v !== null) for (const w of whens) { const c = w.when(row); if (c !== null && compareValues(v, c) === 0) return w.then(row); }
          return otherwise(row);
        };
      }
      return (row) => {
        for (const w of whens) if (truthy(w.when(row))) return w.then(row);
        return otherwise(row);
      };
    }
    case 'cast':
      return compileCast(compileExpression(expr.operand, scope, ctx), expr.type);
    case 'call':
      return compileCall(expr, scope, ctx);
    default: {
      const never: never = expr;
      throw new PlanError(`Unsupported expression ${(never as { kind: string }).kind}`);
    }
  }
}

function compileBinary(op: string, left: Compiled, right: Compiled): Compiled {
  switch (op) {
    case 'AND':
      return (row) => {
        const a = left(row);
        if (a !== null && !truthy(a)) return false;
        const b = right(row);
        if (b !== null && !truthy(b)) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR': case '||':
      // StarRocks' default sql_mode reads || as OR, not as concatenation.
      return (row) => {
        const a = left(row);
        if (a !== null && truthy(a)) return true;
        const b = right(row);
        if (b !== null && truthy(b)) return true;
        return a === null || b === null ? null : false;
      };
    case '=': return comparison(left, right, (c) => c === 0);
    case '!=': case '<>': return comparison(left, right, (c) => c !== 0);
    case '<': return comparison(left, right, (c) => c < 0);
    case '<=': return comparison(left, right, (c) => c <= 0);
    case '>': return comparison(left, right, (c) => c > 0);
    case '>=': return comparison(left, right, (c) => c >= 0);
    case '<=>':
      return (row) => {
        const a = left(row);
        const b = right(row);
        if (a === null || b === null) return a === b;
        return compareValues(a, b) === 0;
      };
    case '+': return arithmetic(left, right, (a, b) => a + b);
    case '-': return arithmetic(left, right, (a, b) => a - b);
    case '*': return arithmetic(left, right, (a, b) => a * b);
    case '/': return arithmetic(left, right, (a, b) => (b === 0 ? null : a / b));
    case '%': return arithmetic(left, right, (a, b) => (b === 0 ? null : a % b));
    case 'DIV': return arithmetic(left, right, (a, b) => (b === 0 ? null : Math.trunc(a / b)));
    default: throw new PlanError(`Unsupported operator ${op}`);
  }
}

function comparison(left: Compiled, right: Compiled, test: (c: number) => boolean): Compiled {
  return (row) => {
    const a = left(row);
    if (a === null) return null;
    const b = right(row);
    if (b === null) return null;
    const c = compareValues(a, b);
    return Number.isNaN(c) ? null : test(c);
  };
}

function arithmetic(left: Compiled, right: Compiled, f: (a: number, b: number) => number | null): Compiled {
  return (row) => {
    const a = toNumber(left(row));
    if (a === null) return null;
    const b = toNumber(right(row));
    if (b === null) return null;
    return f(a, b);
  };
}

function compileCast(operand: Compiled, type: TypeName): Compiled {
  const name = type.name.toLowerCase();
  if (name === 'signed' || name === 'unsigned') return compileCast(operand, { ...type, name: 'bigint' });
  let convert;
  try {
    convert = converterFor(columnType(name, type.params));
  } catch (error) {
    throw new PlanError(error instanceof Error ? error.message : String(error));
  }
  const isText = name === 'varchar' || name === 'char' || name === 'string' || name === 'text';
  return (row) => {
    const v = operand(row);
    if (v === null) return null;
    // CAST to a string type truncates instead of failing.
    if (isText) return toStr(v);
    const out = convert(v);
    return out === INVALID || out === REJECT ? null : out;
  };
}

/** A rough StarRocks type name of an argument, for `No matching function with signature` messages. */
function argType(e: Expression): string {
  if (e.kind === 'paren') return argType(e.inner);
  if (e.kind === 'literal') {
    if (e.type === 'string') return 'varchar';
    if (e.type === 'null') return 'null_type';
    if (e.type === 'boolean') return 'boolean';
    if (/[.eE]/.test(e.text)) return 'decimal';
    const n = Math.abs(Number(e.value));
    return n < 128 ? 'tinyint' : n < 32768 ? 'smallint' : n < 2 ** 31 ? 'int' : 'bigint';
  }
  if (e.kind === 'cast') return e.type.name;
  return 'varchar';
}

function compileCall(expr: Extract<Expression, { kind: 'call' }>, scope: Scope, ctx: EvalContext): Compiled {
  const name = expr.name.name.toLowerCase();
  const spec = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!spec || expr.star || expr.args.length < spec.min || expr.args.length > spec.max) {
    const signature = expr.star ? '*' : expr.args.map(argType).join(', ');
    throw new PlanError(`No matching function with signature: ${name}(${signature}).`);
  }
  const args = expr.args.map((a) => compileExpression(a, scope, ctx));
  const fn = spec.fn;
  const n = args.length;
  if (spec.nullPropagates) {
    return (row) => {
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const v = args[i]!(row);
        if (v === null || v === undefined) return null;
        values[i] = v;
      }
      return fn(values, ctx) ?? null;
    };
  }
  return (row) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = args[i]!(row) ?? null;
    return fn(values, ctx) ?? null;
  };
}

const likeCache = new Map<string, RegExp>();

/** LIKE pattern to RegExp: % any run, _ one character, backslash escapes. */
export function likeRegExp(pattern: string): RegExp {
  let re = likeCache.get(pattern);
  if (re) return re;
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
    else if (c === '%') src += '[\\s\\S]*';
    else if (c === '_') src += '[\\s\\S]';
    else src += escapeRe(c);
  }
  re = new RegExp(src + '$', 's');
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(pattern, re);
  return re;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? '\\' + c : c;
}
