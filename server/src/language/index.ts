// The public API of the language core. Everything here runs in plain Node (no vscode):
// the language server, the engine, the sandbox and `routine-load lint` all use it.
export type * from './ast';
export { parse, parseExpression, parseColumnMappings, parseSegment, MAX_NESTING, type ParseOptions } from './parse';
export { analyze, AnalysisCache, type AnalyzedDocument } from './analysis';
export { CODES, type CodeInfo, type Diagnostic, type Severity } from './diagnostics';
export { WorkspaceIndex, contributionOf, forEachWithDatabase, type TableInfo, type JobInfo, type DocumentContribution } from './workspace';
export { LineIndex, type Position } from './lineIndex';
export { unquote, quote, sourceText, didYouMean, editDistance } from './text';
export { walkExpression } from './builder';
export { splitStatements, firstWords, skipTrivia, type Segment, type StatementKind } from './splitter';
export { FUNCTIONS, findFunction, type FunctionSpec } from './functions';
export { isValidTimezone, timezoneNames } from './timezones';
export { LIBRDKAFKA_CONSUMER_KEYS } from './librdkafka';
export * from './catalogue';
/** The token vocabulary (token types, categories Name / Keyword, `tokenize`), for completion context and formatting. */
export * as tokens from './lexer';
export { tokenize, allTokens, keywords, isKeywordToken, type LexResult } from './lexer';
export { parser, describeToken } from './parser';
