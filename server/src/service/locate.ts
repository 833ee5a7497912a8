// What named thing sits at an offset, read from the parse: a property, a table, a job, a column
// or a function. Hover and go-to-definition both start here.
import type { ColumnMapping, Expression, LoadProperty, ParsedStatement, ParseResult, Property, QualifiedName, Span, Statement } from '../language/ast';
import { walkExpression } from '../language';

export type Located =
  | { kind: 'property'; property: Property; part: 'key' | 'value'; section: 'job' | 'kafka'; statement: Statement }
  | { kind: 'table'; name: QualifiedName; statement: Statement }
  | { kind: 'job'; name: QualifiedName; statement: Statement }
  | { kind: 'column'; name: string; span: Span; statement: Statement }
  | { kind: 'function'; name: string; span: Span; statement: Statement };

const inside = (span: Span | undefined, offset: number): boolean => !!span && span.start <= offset && offset <= span.end;

export function statementAtOffset(parse: ParseResult, offset: number): ParsedStatement | undefined {
  const list = parse.statements;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid].span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return list[mid];
  }
  return undefined;
}

export function locate(parse: ParseResult, offset: number): Located | undefined {
  const parsed = statementAtOffset(parse, offset);
  const st = parsed?.statement;
  if (!st) return undefined;
  switch (st.kind) {
    case 'createRoutineLoad':
    case 'alterRoutineLoad': {
      if (inside(st.job.name.span, offset)) return { kind: 'job', name: st.job, statement: st };
      if (st.kind === 'createRoutineLoad' && inside(st.table.span, offset)) return { kind: 'table', name: st.table, statement: st };
      for (const p of st.jobProperties?.properties ?? []) {
        const hit = propertyHit(p, offset);
        if (hit) return { kind: 'property', property: p, part: hit, section: 'job', statement: st };
      }
      for (const p of st.dataSource?.properties ?? []) {
        const hit = propertyHit(p, offset);
        if (hit) return { kind: 'property', property: p, part: hit, section: 'kafka', statement: st };
      }
      return locateInLoadProperties(st.loadProperties, offset, st);
    }
    case 'pauseRoutineLoad':
    case 'resumeRoutineLoad':
    case 'stopRoutineLoad':
    case 'showCreateRoutineLoad':
      return inside(st.job.span, offset) ? { kind: 'job', name: st.job, statement: st } : undefined;
    case 'showRoutineLoad':
      return st.job && inside(st.job.span, offset) ? { kind: 'job', name: st.job, statement: st } : undefined;
    case 'createTable':
      if (inside(st.table.name.span, offset)) return { kind: 'table', name: st.table, statement: st };
      for (const c of st.columns) if (inside(c.name.span, offset)) return { kind: 'column', name: c.name.name, span: c.name.span, statement: st };
      return undefined;
    default:
      return undefined;
  }
}

function propertyHit(p: Property, offset: number): 'key' | 'value' | undefined {
  if (inside(p.key.span, offset)) return 'key';
  if (inside(p.value.span, offset)) return 'value';
  return undefined;
}

function locateInLoadProperties(list: LoadProperty[], offset: number, st: Statement): Located | undefined {
  for (const lp of list) {
    if (!inside(lp.span, offset)) continue;
    if (lp.kind === 'columns') {
      for (const m of lp.columns) {
        const hit = locateInMapping(m, offset, st);
        if (hit) return hit;
      }
    } else if (lp.kind === 'where') {
      return locateInExpression(lp.expr, offset, st);
    }
  }
  return undefined;
}

function locateInMapping(m: ColumnMapping, offset: number, st: Statement): Located | undefined {
  if (inside(m.name.span, offset)) return { kind: 'column', name: m.name.name, span: m.name.span, statement: st };
  return m.expr ? locateInExpression(m.expr, offset, st) : undefined;
}

function locateInExpression(expr: Expression, offset: number, st: Statement): Located | undefined {
  let found: Located | undefined;
  walkExpression(expr, (e) => {
    if (found) return;
    if (e.kind === 'column' && inside(e.name.span, offset)) found = { kind: 'column', name: e.name.name, span: e.name.span, statement: st };
    else if (e.kind === 'call' && inside(e.name.span, offset)) found = { kind: 'function', name: e.name.name, span: e.name.span, statement: st };
  });
  return found;
}

/** Target table of a job statement (ALTER reads it from the job's CREATE, found by the caller). */
export function tableOf(st: Statement): QualifiedName | undefined {
  return st.kind === 'createRoutineLoad' ? st.table : undefined;
}
