// Diagnostics of a document: the language core's analysis with the workspace in view, then the
// user's per-rule severities ("off" drops a rule), as LSP diagnostics with the core's codes.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { analyzeParse, type CoreDiagnostic } from './core';
import type { DocumentState } from './documents';
import type { RuleSeverity, ServiceSettings } from './settings';
import type { Workspace } from './workspace';

export const DIAGNOSTIC_SOURCE = 'routine-load';

const SEVERITY: Record<Exclude<RuleSeverity, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a quick fix reads back from a published diagnostic's `data`. */
export interface DiagnosticData {
  fix?: string;
  [key: string]: unknown;
}

export function coreDiagnostics(doc: DocumentState, workspace: Workspace): CoreDiagnostic[] {
  const index = workspace.fullIndex();
  return analyzeParse(doc.uri, doc.parse, index, doc.analysis);
}

export function computeDiagnostics(doc: DocumentState, workspace: Workspace, settings: ServiceSettings): Diagnostic[] {
  if (!settings.diagnostics.enable) return [];
  const out: Diagnostic[] = [];
  for (const d of coreDiagnostics(doc, workspace)) {
    const severity = settings.diagnostics.rules[d.code] ?? d.severity;
    if (severity === 'off') continue;
    const start = Math.max(0, Math.min(d.span.start, doc.text.length));
    const end = Math.max(start, Math.min(d.span.end, doc.text.length));
    const diagnostic: Diagnostic = {
      range: { start: doc.document.positionAt(start), end: doc.document.positionAt(end) },
      severity: SEVERITY[severity] ?? DiagnosticSeverity.Error,
      code: d.code,
      source: DIAGNOSTIC_SOURCE,
      message: d.message,
    };
    if (d.data) diagnostic.data = d.data;
    out.push(diagnostic);
  }
  return out;
}
