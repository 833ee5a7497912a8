// Hover: properties (default, range, docs), keywords, functions, tables, columns and jobs.
import { MarkupKind, type Hover, type Range } from 'vscode-languageserver-types';
import { findProperty } from '../language/catalogue';
import type { Span } from '../language/ast';
import { tableMarkdown } from './completion';
import { cursorContext } from './context';
import { targetOf } from './definition';
import type { DocumentState } from './documents';
import { findFunction, functionMarkdown } from './functionCatalogue';
import { KEYWORD_DOCS } from './keywordDocs';
import { locate } from './locate';
import type { SchemaCatalog } from './metadata';
import { propertyMarkdown } from './propertyDocs';
import { upper } from './scan';
import { describeColumn, resolveTable } from './tables';
import type { Workspace } from './workspace';

const VALUE_DOCS: Record<string, string> = {
  OFFSET_BEGINNING: 'Start from the oldest message Kafka still retains.',
  OFFSET_END: 'Start from the newest offset: only messages produced from now on are loaded.',
};

export function hover(doc: DocumentState, offset: number, workspace: Workspace, schemas: SchemaCatalog): Hover | null {
  const range = (s: Span): Range => ({ start: doc.document.positionAt(s.start), end: doc.document.positionAt(s.end) });
  const md = (value: string, span: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: range(span) });
  const hit = locate(doc.parse, offset);
  if (hit) {
    switch (hit.kind) {
      case 'property': {
        const spec = findProperty(hit.property.key.value);
        if (!spec) break;
        if (hit.part === 'key') return md(propertyMarkdown(spec), hit.property.key.span);
        const value = hit.property.value.value;
        const extra = VALUE_DOCS[value.toUpperCase()];
        const shown = spec.secret ? '******' : value;
        return md([`\`${spec.name}\` = \`${shown}\``, extra ?? '', '', propertyMarkdown(spec)].filter((l, i) => i !== 1 || l).join('\n'), hit.property.value.span);
      }
      case 'table': {
        const t = resolveTable(workspace, schemas, hit.name.name.name, hit.name.db?.name, doc.uri);
        return md(t ? tableMarkdown(t) : `**${hit.name.name.name}**: no CREATE TABLE for it in the workspace`, hit.name.span);
      }
      case 'job': {
        const j = workspace.findJobs(hit.name.name.name, hit.name.db?.name, doc.uri)[0];
        if (!j) return md(`Routine Load job **${hit.name.name.name}**`, hit.name.span);
        const topic = j.statement.dataSource?.properties.find((p) => p.key.value === 'kafka_topic')?.value.value;
        return md(`Routine Load job **${j.db ? `${j.db}.` : ''}${j.name}**\n\nloads ${topic ? `Kafka topic \`${topic}\`` : 'Kafka'} into \`${j.statement.table.name.name}\``, hit.name.span);
      }
      case 'column': {
        const target = targetOf(hit.statement, workspace, doc.uri) ?? (hit.statement.kind === 'createTable' ? { db: hit.statement.table.db?.name, name: hit.statement.table.name.name } : undefined);
        const t = target ? resolveTable(workspace, schemas, target.name, target.db, doc.uri) : undefined;
        const c = t?.columns.find((x) => x.name.toLowerCase() === hit.name.toLowerCase());
        if (c) return md(`column **${c.name}** \`${describeColumn(c)}\` of ${t!.name}${c.comment ? `\n\n${c.comment}` : ''}`, hit.span);
        return md(`**${hit.name}**: ${t ? `not a column of ${t.name} — a placeholder that skips a field, or a source column for expressions` : 'source column'}`, hit.span);
      }
      case 'function': {
        const f = findFunction(hit.name);
        if (f) return md(functionMarkdown(f), hit.span);
        break;
      }
    }
  }
  // Keywords: from tokens, which also works in statements that do not parse.
  const r = doc.rangeAt(offset);
  if (!r) return null;
  const ctx = cursorContext(doc.text, r.start, r.end, offset);
  const t = ctx.tokens.find((x) => x.start <= offset && offset <= x.end && x.kind === 'word');
  if (!t) return null;
  const docs = KEYWORD_DOCS[upper(t)];
  if (docs && ctx.head !== 'other' && ctx.head !== 'createTable') return md(docs, t);
  const f = ctx.tokens[ctx.tokens.indexOf(t) + 1]?.text === '(' ? findFunction(t.text) : undefined;
  if (f) return md(functionMarkdown(f), t);
  return null;
}
