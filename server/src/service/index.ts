// The language service: every editor feature behind one facade, over plain data
// (TextDocument in, vscode-languageserver-types shapes out). No LSP connection, no vscode:
// the LSP layer (server/src/lsp) and the tests drive it the same way.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction,
  CodeActionContext,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  FormattingOptions,
  Hover,
  Location,
  Position,
  Range,
  SignatureHelp,
  TextEdit,
} from 'vscode-languageserver-types';
import { LineIndex } from '../language';
import { codeActions } from './codeActions';
import { complete } from './completion';
import { definition } from './definition';
import { computeDiagnostics } from './diagnostics';
import { foldingRanges } from './folding';
import { format } from './formatting';
import { hover } from './hover';
import { signatureHelp } from './signatureHelp';
import { documentSymbols } from './symbols';
import { DocumentCache, type DocumentState } from './documents';
import { KafkaCatalog, SchemaCatalog, type KafkaMetadata, type TableSchema } from './metadata';
import { DEFAULT_SETTINGS, readSettings, type ServiceSettings } from './settings';
import { Workspace } from './workspace';

export { TRIGGER_CHARACTERS } from './completion';
export { DIAGNOSTIC_SOURCE } from './diagnostics';
export type { KafkaMetadata, KafkaTopicInfo, TableSchema, ColumnInfo } from './metadata';
export type { ServiceSettings, RuleSeverity } from './settings';
export { readSettings } from './settings';

export class LanguageService {
  readonly workspace = new Workspace();
  readonly kafka = new KafkaCatalog();
  readonly schemas = new SchemaCatalog();
  private readonly cache = new DocumentCache();
  private settings: ServiceSettings = DEFAULT_SETTINGS;

  configure(settings: ServiceSettings | unknown): void {
    this.settings = readSettings(settings);
  }

  get currentSettings(): ServiceSettings {
    return this.settings;
  }

  /** The cached state of this document version; an open document also feeds the workspace. */
  state(document: TextDocument): DocumentState {
    const state = this.cache.get(document);
    // Workspace facts (tables, jobs) come from the newest parse that already exists: completion
    // must not wait for a fresh parse of a large file, and definitions rarely change per keystroke.
    if (state.hasParse) this.workspace.setParse(state.uri, state.parse);
    else if (!this.workspace.has(state.uri)) this.workspace.setFile(state.uri, state.text);
    return state;
  }

  /** The document's parse, made now if needed; it becomes the workspace's view of the file. */
  parsed(document: TextDocument): DocumentState {
    const state = this.cache.get(document);
    this.workspace.setParse(state.uri, state.parse);
    return state;
  }

  /** Forget an open document (its disk text, if any, stays in the workspace through setWorkspaceFile). */
  close(uri: string): void {
    this.cache.delete(uri);
  }

  setWorkspaceFile(uri: string, text: string): void {
    if (!this.cache.peek(uri)) this.workspace.setFile(uri, text);
  }

  removeWorkspaceFile(uri: string): void {
    this.workspace.removeFile(uri);
  }

  setKafkaMetadata(metadata: KafkaMetadata): void {
    this.kafka.set(metadata);
  }

  setTableSchemas(tables: TableSchema[], replace = false): void {
    this.schemas.set(tables, replace);
  }

  completion(document: TextDocument, position: Position): CompletionList {
    const state = this.state(document);
    return complete(state, document.offsetAt(position), this);
  }

  diagnostics(document: TextDocument): Diagnostic[] {
    return computeDiagnostics(this.parsed(document), this.workspace, this.settings);
  }

  hover(document: TextDocument, position: Position): Hover | null {
    return hover(this.parsed(document), document.offsetAt(position), this.workspace, this.schemas);
  }

  signatureHelp(document: TextDocument, position: Position): SignatureHelp | null {
    return signatureHelp(this.state(document), document.offsetAt(position));
  }

  codeActions(document: TextDocument, range: Range, context: CodeActionContext): CodeAction[] {
    return codeActions(this.parsed(document), range, context);
  }

  format(document: TextDocument, options: FormattingOptions, range?: Range): TextEdit[] {
    return format(this.parsed(document), options, range);
  }

  documentSymbols(document: TextDocument): DocumentSymbol[] {
    return documentSymbols(this.parsed(document));
  }

  definition(document: TextDocument, position: Position): Location[] {
    return definition(this.parsed(document), document.offsetAt(position), this.workspace, (uri, span) => this.location(uri, span));
  }

  foldingRanges(document: TextDocument): FoldingRange[] {
    return foldingRanges(this.parsed(document));
  }

  /** A span in any workspace file as a Location (open documents and files on disk alike). */
  private location(uri: string, span: { start: number; end: number }): Location | undefined {
    const open = this.cache.peek(uri);
    const text = open?.text ?? this.workspace.parseOf(uri)?.text;
    if (text === undefined) return undefined;
    const lines = open ? undefined : new LineIndex(text);
    const positionAt = (o: number): Position => (open ? open.document.positionAt(o) : lines!.positionAt(o));
    return { uri, range: { start: positionAt(span.start), end: positionAt(span.end) } };
  }
}

