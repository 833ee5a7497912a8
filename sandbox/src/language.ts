// The one place the sandbox reaches into the language core: DDL statements, expressions and
// `columns` headers are parsed there, never by a second parser here.

import type { ColumnMapping, Expression, Statement } from '../../server/src/language/ast';
import * as core from '../../server/src/language/index';

/** Text the core could not parse; the message is the core's own. */
export class SyntaxFailure extends Error {}

export function parseStatements(text: string): { statement: Statement; source: string }[] {
  const result = core.parse(text);
  const out: { statement: Statement; source: string }[] = [];
  for (const parsed of result.statements) {
    const source = text.slice(parsed.span.start, parsed.span.end).trim();
    if (parsed.errors.length > 0 || !parsed.statement) {
      const error = parsed.errors[0];
      throw new SyntaxFailure(error ? `${error.message} (in: ${abbreviate(source)})` : `Cannot parse: ${abbreviate(source)}`);
    }
    out.push({ statement: parsed.statement, source });
  }
  return out;
}

export function parseExpression(text: string): Expression {
  const result = core.parseExpression(text);
  if (result.errors.length > 0 || !result.expr) throw new SyntaxFailure(result.errors[0]?.message ?? `Cannot parse expression: ${text}`);
  return result.expr;
}

export function parseColumnMappings(text: string): ColumnMapping[] {
  const result = core.parseColumnMappings(text);
  if (result.errors.length > 0) throw new SyntaxFailure(result.errors[0]!.message);
  return result.columns;
}

function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? one.slice(0, 77) + '...' : one;
}
