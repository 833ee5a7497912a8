// A version-keyed cache of what the features derive from a document: statement bounds (the
// scanner's, for completion on every keystroke) and the core's parse. A new version drops the
// old entry; reading an unchanged version costs nothing.
import type { ParseResult } from '../language/ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseText } from './core';
import { splitStatements, type StatementRange } from './scan';

export class DocumentState {
  private statementRanges?: StatementRange[];
  private parsed?: ParseResult;

  readonly uri: string;
  /** The version this state was built from: TextDocument objects are updated in place. */
  readonly version: number;

  constructor(readonly document: TextDocument, readonly text: string) {
    this.uri = document.uri;
    this.version = document.version;
  }

  get statements(): StatementRange[] {
    this.statementRanges ??= splitStatements(this.text);
    return this.statementRanges;
  }

  get parse(): ParseResult {
    this.parsed ??= parseText(this.text);
    return this.parsed;
  }

  get hasParse(): boolean {
    return this.parsed !== undefined;
  }
}

export class DocumentCache {
  private entries = new Map<string, DocumentState>();

  /** The state of this exact version of the document, built on first use. */
  get(document: TextDocument): DocumentState {
    const entry = this.entries.get(document.uri);
    if (entry && entry.version === document.version && entry.document === document) return entry;
    const state = new DocumentState(document, document.getText());
    this.entries.set(document.uri, state);
    return state;
  }

  peek(uri: string): DocumentState | undefined {
    return this.entries.get(uri);
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }
}
