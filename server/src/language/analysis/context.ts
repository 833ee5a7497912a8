// What every rule needs: where to report, and what it knows about the statement's surroundings.
import type { Span } from '../ast';
import { CODES, type Diagnostic, type Severity } from '../diagnostics';
import type { WorkspaceIndex } from '../workspace';

export interface RuleContext {
  uri: string;
  text: string;
  /** Database of the statement: `db.` prefix, else the USE before it. */
  db?: string;
  workspace?: WorkspaceIndex;
  /** The statement had syntax errors: rules that need the whole statement stay quiet. */
  broken: boolean;
  report(code: string, span: Span, message: string, data?: Record<string, unknown>, severity?: Severity): void;
}

export function reporter(out: Diagnostic[]): RuleContext['report'] {
  return (code, span, message, data, severity) => {
    const diagnostic: Diagnostic = { code, severity: severity ?? CODES[code]?.severity ?? 'error', message, span: { start: span.start, end: span.end } };
    if (data) diagnostic.data = data;
    out.push(diagnostic);
  };
}

/** Template placeholders such as `<kafka_broker1_ip>` stand for values the reader fills in. */
export function hasPlaceholder(value: string): boolean {
  return /<[^<>\s]+>/.test(value);
}
