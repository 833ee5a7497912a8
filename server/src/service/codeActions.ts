// Quick fixes from the `data` the language core puts on its diagnostics (clamp, rename,
// addProperty, replaceDeprecated, remove, quote, replaceValue, addColumn, likeToWhere, addWhere),
// plus "add jsonpaths from COLUMNS" for a JSON job that has COLUMNS but no jsonpaths.
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { findProperty } from '../language/catalogue';
import type { AlterRoutineLoadStatement, CreateRoutineLoadStatement, Property, PropertyList, DataSource, Span } from '../language/ast';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from './diagnostics';
import type { DocumentState } from './documents';
import { statementAtOffset } from './locate';

type JobStatement = CreateRoutineLoadStatement | AlterRoutineLoadStatement;

export function codeActions(doc: DocumentState, range: Range, context: CodeActionContext): CodeAction[] {
  const fixer = new Fixer(doc);
  const actions: CodeAction[] = [];
  for (const d of context.diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || !d.data || typeof d.data !== 'object') continue;
    const action = fixer.fix(d, d.data as DiagnosticData);
    if (action) actions.push(action);
  }
  if (!context.only || context.only.some((k) => k.startsWith(CodeActionKind.QuickFix) || k.startsWith(CodeActionKind.Refactor))) {
    const jsonpaths = fixer.addJsonpaths(doc.document.offsetAt(range.start), context.diagnostics);
    if (jsonpaths) actions.push(jsonpaths);
  }
  return actions;
}

class Fixer {
  constructor(private readonly doc: DocumentState) {}

  private range(start: number, end: number): Range {
    return { start: this.doc.document.positionAt(start), end: this.doc.document.positionAt(end) };
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { range: this.range(start, end), newText };
  }

  private action(title: string, edits: TextEdit[], diagnostic?: Diagnostic, preferred = true): CodeAction {
    return {
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: diagnostic ? [diagnostic] : undefined,
      isPreferred: preferred,
      edit: { changes: { [this.doc.uri]: edits } },
    };
  }

  private jobAt(offset: number): JobStatement | undefined {
    const st = statementAtOffset(this.doc.parse, offset)?.statement;
    return st?.kind === 'createRoutineLoad' || st?.kind === 'alterRoutineLoad' ? st : undefined;
  }

  /** Span of a quoted string's content, or the span itself when it is not quoted. */
  private content(span: Span): Span {
    const first = this.doc.text[span.start];
    const last = this.doc.text[span.end - 1];
    if (span.end - span.start >= 2 && (first === '"' || first === "'") && last === first) return { start: span.start + 1, end: span.end - 1 };
    return span;
  }

  fix(d: Diagnostic, data: DiagnosticData): CodeAction | undefined {
    const start = this.doc.document.offsetAt(d.range.start);
    const end = this.doc.document.offsetAt(d.range.end);
    const value = typeof data.value === 'string' ? data.value : undefined;
    switch (data.fix) {
      case 'clamp': {
        if (value === undefined) return undefined;
        const c = this.content({ start, end });
        return this.action(`Change to ${value}`, [this.edit(c.start, c.end, escapeFor(this.doc.text[start], value))], d);
      }
      case 'rename': {
        const to = typeof data.to === 'string' ? data.to : undefined;
        if (!to) return undefined;
        const c = this.content({ start, end });
        return this.action(`Change to ${to}`, [this.edit(c.start, c.end, to)], d);
      }
      case 'quote': {
        if (value === undefined) return undefined;
        return this.action(`Quote as "${value}"`, [this.edit(start, end, `"${escapeFor('"', value)}"`)], d);
      }
      case 'replaceValue': {
        if (value === undefined) return undefined;
        const key = typeof data.key === 'string' ? data.key : undefined;
        const target = key ? this.findProperty(start, key)?.value.span : { start, end };
        if (!target) return undefined;
        const c = this.content(target);
        return this.action(key ? `Set ${key} to ${value}` : `Change to ${value}`, [this.edit(c.start, c.end, escapeFor(this.doc.text[target.start], value))], d);
      }
      case 'addProperty': {
        const key = typeof data.key === 'string' ? data.key : undefined;
        if (!key) return undefined;
        const edit = this.addProperty(start, key, value ?? '');
        return edit ? this.action(`Add "${key}" = "${value ?? ''}"`, [edit], d) : undefined;
      }
      case 'replaceDeprecated': {
        const key = typeof data.key === 'string' ? data.key : 'max_batch_size';
        const p = this.findProperty(start, key);
        if (!p) return undefined;
        const job = this.jobAt(start);
        const has = job?.jobProperties?.properties.some((x) => x.key.value.toLowerCase() === 'task_consume_second');
        if (has) return this.action(`Remove deprecated ${key}`, [this.removeProperty(p, job?.jobProperties)], d);
        return this.action(`Replace ${key} by task_consume_second`, [this.edit(p.span.start, p.span.end, `"task_consume_second" = "3"`)], d);
      }
      case 'remove': {
        const job = this.jobAt(start);
        if (!job) return undefined;
        for (const list of [job.jobProperties, job.dataSource]) {
          const p = list?.properties.find((x) => x.key.span.start === start || (x.span.start <= start && end <= x.span.end));
          if (p) return this.action(`Remove ${p.key.value}`, [this.removeProperty(p, list)], d);
        }
        const lp = job.loadProperties.find((x) => x.span.start === start && x.span.end === end);
        if (lp) return this.action('Remove this clause', [this.removeLoadProperty(lp.span)], d);
        return undefined;
      }
      case 'addColumn': {
        const column = typeof data.column === 'string' ? data.column : undefined;
        const job = this.jobAt(start);
        const cols = job?.loadProperties.find((x) => x.kind === 'columns');
        if (!column || !cols || cols.kind !== 'columns') return undefined;
        const last = cols.columns[cols.columns.length - 1];
        const at = last ? last.span.end : cols.span.end - 1;
        return this.action(`Add ${column} to COLUMNS`, [this.edit(at, at, `${last ? ', ' : ''}${column}`)], d, false);
      }
      case 'likeToWhere': {
        const pattern = typeof data.pattern === 'string' ? data.pattern : undefined;
        if (pattern === undefined) return undefined;
        // The diagnostic points at the pattern; the fix rewrites `LIKE 'p'` as `WHERE Name LIKE 'p'`.
        const before = this.doc.text.slice(Math.max(0, start - 40), start);
        const m = /LIKE\s*$/i.exec(before);
        const from = m ? start - m[0].length : start;
        return this.action('Rewrite as WHERE Name LIKE …', [this.edit(from, end, `WHERE Name LIKE "${escapeFor('"', pattern)}"`)], d);
      }
      case 'addWhere': {
        const text = typeof data.text === 'string' ? data.text : undefined;
        const st = statementAtOffset(this.doc.parse, start);
        if (!text || !st) return undefined;
        return this.action(`Add ${text}`, [this.edit(st.span.end, st.span.end, ` ${text}`)], d);
      }
      default:
        return undefined;
    }
  }

  private findProperty(offset: number, key: string): Property | undefined {
    const job = this.jobAt(offset);
    const all = [...(job?.jobProperties?.properties ?? []), ...(job?.dataSource?.properties ?? [])];
    return all.find((p) => p.key.value.toLowerCase() === key.toLowerCase());
  }

  /** Insert `"key" = "value"` in the list the key belongs to, matching the list's layout. */
  private addProperty(offset: number, key: string, value: string): TextEdit | undefined {
    const job = this.jobAt(offset);
    if (!job) return undefined;
    const spec = findProperty(key);
    const kafka = spec ? spec.section !== 'job' : key.startsWith('kafka_') || key.startsWith('property.');
    const entry = `"${key}" = "${escapeFor('"', value)}"`;
    const list: PropertyList | DataSource | undefined = kafka ? job.dataSource : job.jobProperties;
    if (list && list.bodySpan) {
      const last = list.properties[list.properties.length - 1];
      if (!last) {
        const at = list.bodySpan.start + 1;
        return this.edit(at, at, `\n    ${entry}\n`);
      }
      const indent = this.indentOf(last.span.start);
      const separator = indent !== undefined ? `,\n${indent}` : ', ';
      return this.edit(last.span.end, last.span.end, `${separator}${entry}`);
    }
    if (kafka) {
      const at = job.span.end;
      return this.edit(at, at, `\nFROM KAFKA (\n    ${entry}\n)`);
    }
    // No PROPERTIES yet: add one before FROM KAFKA (or at the end).
    const at = job.dataSource ? job.dataSource.span.start : job.span.end;
    return job.dataSource ? this.edit(at, at, `PROPERTIES (\n    ${entry}\n)\n`) : this.edit(at, at, `\nPROPERTIES (\n    ${entry}\n)`);
  }

  /** The white space before `offset` when it starts its line. */
  private indentOf(offset: number): string | undefined {
    const lineStart = this.doc.text.lastIndexOf('\n', offset - 1) + 1;
    const prefix = this.doc.text.slice(lineStart, offset);
    return /^\s*$/.test(prefix) ? prefix : undefined;
  }

  /** Remove a property and one adjacent comma (the one before it, or after it when it is first). */
  private removeProperty(p: Property, list: { properties: Property[] } | undefined): TextEdit {
    const props = list?.properties ?? [p];
    const i = props.indexOf(p);
    if (i > 0) return this.edit(props[i - 1].span.end, p.span.end, '');
    if (i === 0 && props.length > 1) return this.edit(p.span.start, props[1].span.start, '');
    return this.edit(p.span.start, p.span.end, '');
  }

  private removeLoadProperty(span: Span): TextEdit {
    const after = /^\s*,/.exec(this.doc.text.slice(span.end, span.end + 200));
    if (after) return this.edit(span.start, span.end + after[0].length, '');
    const before = /,\s*$/.exec(this.doc.text.slice(Math.max(0, span.start - 200), span.start));
    if (before) return this.edit(span.start - before[0].length, span.end, '');
    return this.edit(span.start, span.end, '');
  }

  /** A JSON job with COLUMNS and no jsonpaths: write one JSONPath per column. */
  addJsonpaths(offset: number, diagnostics: Diagnostic[]): CodeAction | undefined {
    const job = this.jobAt(offset);
    if (!job) return undefined;
    const props = job.jobProperties?.properties ?? [];
    const format = props.find((p) => p.key.value.toLowerCase() === 'format')?.value.value.toLowerCase();
    if (format !== 'json') return undefined;
    const cols = job.loadProperties.find((x) => x.kind === 'columns');
    if (!cols || cols.kind !== 'columns') return undefined;
    // Derived columns (`c = expr`) are computed, not read from the message.
    const names = cols.columns.filter((c) => !c.expr).map((c) => c.name.name);
    if (names.length === 0) return undefined;
    const value = JSON.stringify(names.map((n) => `$.${n}`));
    const existing = props.find((p) => p.key.value.toLowerCase() === 'jsonpaths');
    if (existing) {
      const mismatch = diagnostics.find((d) => d.code === 'RL404');
      if (!mismatch) return undefined;
      const c = this.content(existing.value.span);
      return this.action('Rewrite jsonpaths from COLUMNS', [this.edit(c.start, c.end, escapeFor(this.doc.text[existing.value.span.start], value))], mismatch);
    }
    const edit = this.addProperty(offset, 'jsonpaths', value);
    return edit ? this.action('Add jsonpaths from COLUMNS', [edit], undefined, false) : undefined;
  }
}

/** Escape a value for the quote it goes inside. */
function escapeFor(quote: string | undefined, value: string): string {
  if (quote !== '"' && quote !== "'") return value;
  return value.replace(/\\/g, '\\\\').split(quote).join(`\\${quote}`);
}
