// The one seam between the editor service and the language core (server/src/language).
// Everything the service needs from the core passes through here, so a change of the core's
// API touches one file.
import { AnalysisCache, analyze, FUNCTIONS, parse, timezoneNames, WorkspaceIndex, type Diagnostic as CoreDiagnostic, type ParseResult } from '../language';
import { setFunctions } from './functionCatalogue';

export { AnalysisCache, WorkspaceIndex, type CoreDiagnostic };

/** The parse of `text`; with `previous` (the document's last parse, handed over) only changed statements are parsed. */
export function parseText(text: string, previous?: ParseResult): ParseResult {
  return previous ? parse(text, previous, { consume: true }) : parse(text);
}

export function analyzeParse(uri: string, result: ParseResult, index: WorkspaceIndex, cache?: AnalysisCache): CoreDiagnostic[] {
  return analyze({ uri, text: result.text, parse: result }, index, cache);
}

export function zoneNames(): string[] {
  return timezoneNames();
}

setFunctions(
  FUNCTIONS.filter((f) => f.name !== 'interval').map((f) => ({
    name: f.name,
    docs: f.docs,
    signatures: f.signatures.map((label) => ({ label, parameters: parameterLabels(label), returns: f.returns })),
    minArgs: f.minArgs,
    maxArgs: f.maxArgs,
  })),
);

/** "from_unixtime(unix_timestamp[, format])" → ["unix_timestamp", "format"]. */
function parameterLabels(signature: string): string[] {
  const open = signature.indexOf('(');
  const close = signature.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  return signature
    .slice(open + 1, close)
    .replace(/[[\]]/g, '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}
