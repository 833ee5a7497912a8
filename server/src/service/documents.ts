// A version-keyed cache of what the features derive from a document: chunk bounds and statement
// ranges (the scanner's, for completion on every keystroke), the core's parse and the analysis
// of each statement. A new version of a document is derived incrementally from the last one that
// already did the work, so a keystroke in a large file costs what it changes: the parse through
// the core's parse(text, previous), the analysis through the core's per-statement cache.
import type { ParseResult } from '../language/ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, parseText } from './core';
import { chunk, commonEnds, rechunk, type Chunking } from './incremental';
import { splitStatements, type StatementRange } from './scan';

export class DocumentState {
  readonly uri: string;
  /** The version this state was built from: TextDocument objects are updated in place. */
  readonly version: number;
  private statementRanges?: StatementRange[];
  private parsed?: ParseResult;
  private chunking?: Chunking;
  /** The newest earlier state with a parse / with chunks: what this one is derived from. */
  private parseBasis?: DocumentState;
  private chunkBasis?: DocumentState;
  /** Per-statement analysis results, shared by every version of the document. */
  readonly analysis: AnalysisCache;

  constructor(readonly document: TextDocument, readonly text: string, previous?: DocumentState) {
    this.uri = document.uri;
    this.version = document.version;
    this.analysis = previous?.analysis ?? new AnalysisCache();
    if (previous) {
      this.parseBasis = previous.parsed ? previous : previous.parseBasis;
      this.chunkBasis = previous.chunking ? previous : previous.chunkBasis;
    }
  }

  /** Every statement's range (a full scan: for folding and the like, not per keystroke). */
  get statements(): StatementRange[] {
    this.statementRanges ??= splitStatements(this.text);
    return this.statementRanges;
  }

  get chunks(): Chunking {
    if (!this.chunking) {
      const basis = this.chunkBasis;
      if (basis?.chunking) {
        const { prefix, suffix } = commonEnds(basis.text, this.text);
        this.chunking = rechunk(basis.chunking, basis.text, this.text, prefix, suffix);
      } else this.chunking = chunk(this.text);
      this.chunkBasis = undefined;
    }
    return this.chunking;
  }

  /** The statement the cursor at `offset` is in (up to its `;`), or undefined between statements. */
  rangeAt(offset: number): StatementRange | undefined {
    const ends = this.chunks.ends;
    // First chunk whose end (just after its `;`) is past the offset.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    const start = lo > 0 ? ends[lo - 1] : 0;
    const end = lo < ends.length ? ends[lo] : this.text.length;
    const range = splitStatements(this.text, start, end)[0];
    if (!range || offset < range.start) return undefined;
    return { start: range.start, end: range.end, stop: lo < ends.length ? end - 1 : this.text.length };
  }

  get parse(): ParseResult {
    if (!this.parsed) {
      const basis = this.parseBasis;
      if (basis?.parsed) {
        // The basis's trees move into this version: it must not be read again.
        this.parsed = parseText(this.text, basis.parsed);
        basis.parsed = undefined;
      } else {
        this.parsed = parseText(this.text);
      }
      this.parseBasis = undefined;
    }
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
    const state = new DocumentState(document, document.getText(), entry);
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
