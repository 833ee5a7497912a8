// SHOW ROUTINE LOAD [TASK]: what StarRocks' WHERE accepts, and what never matches.
import type { Expression, ShowRoutineLoadStatement, ShowRoutineLoadTaskStatement } from '../ast';
import { walkExpression } from '../builder';
import type { RuleContext } from './context';

const SHOW_COLUMNS = ['Id', 'Name', 'CreateTime', 'PauseTime', 'EndTime', 'CurrentTaskNum', 'TableName', 'State', 'ReasonOfStateChanged', 'OtherMsg'];
const STRING_COLUMNS = new Set(['name', 'tablename', 'state', 'reasonofstatechanged', 'othermsg']);
const BIGINT_COLUMNS = new Set(['id', 'currenttasknum']);
const DATETIME_COLUMNS = new Set(['createtime', 'pausetime', 'endtime']);
const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=', '<=>']);

export function checkShow(s: ShowRoutineLoadStatement, ctx: RuleContext): void {
  if (s.like) {
    ctx.report('RL307', s.like.span, `StarRocks has no SHOW ROUTINE LOAD … LIKE (that is Doris syntax): write WHERE Name LIKE ${s.like.quote}${s.like.value}${s.like.quote}`, { fix: 'likeToWhere', pattern: s.like.value });
  }
  if (s.where) checkWhere(s.where, ctx);
}

function checkWhere(where: Expression, ctx: RuleContext): void {
  walkExpression(where, (e) => {
    if (e.kind === 'binary' && (e.op === 'OR' || e.op === '||')) {
      ctx.report('RL310', e.span, 'Only `AND` operator is allowed in compound predicates.');
    }
    if (e.kind === 'unary' && e.op === 'NOT') ctx.report('RL310', e.span, 'Only `AND` operator is allowed in compound predicates.');
    const column = columnOf(e);
    if (column && !isShowColumn(column.name)) {
      ctx.report('RL310', column.span, `Column \`${column.name}\` is not allowed in \`where\` clause: use ${SHOW_COLUMNS.join(', ')}`);
    }
    if (e.kind === 'binary' && column && STRING_COLUMNS.has(column.name.toLowerCase()) && !['=', '!=', '<>'].includes(e.op)) {
      ctx.report('RL310', e.span, `Operator \`${e.op}\` is not allowed in \`where\` clause for column \`${column.name}\`.`);
    } else if (e.kind === 'binary' && column && !isShowColumn(column.name)) {
      // Already reported as a column StarRocks does not know.
    } else if (e.kind === 'binary' && column && !COMPARISONS.has(e.op)) {
      // Id + 1 > 2: StarRocks compares a column with a value, nothing computed.
      ctx.report('RL310', e.span, `Operator \`${e.op}\` is not allowed in \`where\` clause for column \`${column.name}\`.`);
    } else if (e.kind === 'binary' && column) {
      checkValueType(e, column.name, ctx);
    }
    if (e.kind === 'binary' && e.op === '=' && column?.name.toLowerCase() === 'state') {
      const other = e.left.kind === 'column' ? e.right : e.left;
      if (other.kind === 'literal' && typeof other.value === 'string' && other.value.toUpperCase() === 'UNSTABLE') {
        ctx.report('RL308', e.span, "WHERE State = 'UNSTABLE' never matches: UNSTABLE is only displayed for a RUNNING job that lags; filter State = 'RUNNING' and look at the State column");
      }
    }
  });
}

function isShowColumn(name: string): boolean {
  return SHOW_COLUMNS.some((c) => c.toLowerCase() === name.toLowerCase());
}

/** A comparison's value: an integer for Id and CurrentTaskNum, a quoted time for the *Time columns, a string for the rest. */
function checkValueType(e: Extract<Expression, { kind: 'binary' }>, name: string, ctx: RuleContext): void {
  const value = e.left.kind === 'column' ? e.right : e.left;
  if (value.kind !== 'literal' || value.type === 'null') return;
  const lower = name.toLowerCase();
  const isInteger = value.type === 'number' && /^\d+$/.test(value.text);
  if (BIGINT_COLUMNS.has(lower) && !isInteger) {
    ctx.report('RL310', value.span, `Wrong RValue's type in \`where\` clause for column \`${name}\`: it takes an integer, such as ${name} > 10`);
  } else if (DATETIME_COLUMNS.has(lower) && value.type !== 'string') {
    ctx.report('RL310', value.span, `Wrong RValue's type in \`where\` clause for column \`${name}\`: it takes a quoted time, such as ${name} > '2024-01-01 00:00:00'`);
  } else if (STRING_COLUMNS.has(lower) && value.type !== 'string') {
    ctx.report('RL310', value.span, `Wrong RValue's type in \`where\` clause for column \`${name}\`: it takes a quoted string`);
  }
}

/** The SHOW column a comparison or predicate tests, if it tests one directly. */
function columnOf(e: Expression): { name: string; span: { start: number; end: number } } | undefined {
  const operand = e.kind === 'binary' && !['AND', 'OR', '||'].includes(e.op) ? (e.left.kind === 'column' ? e.left : e.right.kind === 'column' ? e.right : undefined)
    : e.kind === 'like' || e.kind === 'in' || e.kind === 'isNull' || e.kind === 'between' ? e.operand : undefined;
  if (operand?.kind !== 'column') return undefined;
  return { name: operand.name.name, span: operand.span };
}

export function checkShowTask(s: ShowRoutineLoadTaskStatement, ctx: RuleContext): void {
  if (!s.where) {
    ctx.report('RL309', s.span, 'please designate a jobName in where expr such as JobName="ILoveStarRocks"', { fix: 'addWhere', text: 'WHERE JobName = ""' });
    return;
  }
  const w = s.where;
  const ok = w.kind === 'binary' && w.op === '=' && w.left.kind === 'column' && w.left.name.name.toLowerCase() === 'jobname' && w.right.kind === 'literal' && w.right.type === 'string';
  if (!ok) ctx.report('RL309', w.span, 'show routine load job only support one equal expr which is sames like JobName="ILoveStarRocks"');
}
