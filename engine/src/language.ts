// The engine's view of the language core: parse statements, and the analysis errors that refuse one.

import { analyze, parse, type ParseResult, type Span } from '../../server/src/language/index.js';

export function parseSql(sql: string): ParseResult {
  return parse(sql);
}

export interface StatementProblem {
  span: Span;
  message: string;
}

/**
 * Error diagnostics of the text. Workspace checks (RL4xx: tables, columns, functions) are left out:
 * the engine does not know StarRocks' catalogue, and StarRocks itself answers for those at load time.
 */
export function analysisErrors(sql: string, result: ParseResult): StatementProblem[] {
  return analyze({ uri: 'engine:statement', text: sql, parse: result })
    .filter((d) => d.severity === 'error' && !d.code.startsWith('RL4'))
    .map((d) => ({ span: d.span, message: d.message }));
}
