// Shared fixtures for the service tests: a document with a cursor marked by `|`.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-types';
import { LanguageService } from '../../../server/src/service';

export const TABLES = `CREATE TABLE db.orders (
  id BIGINT NOT NULL,
  name VARCHAR(20),
  price DOUBLE,
  pay_time BIGINT
) PRIMARY KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 4;`;

let counter = 0;

/** A document from text with one `|` marking the cursor. */
export function at(text: string, service = new LanguageService()): { service: LanguageService; doc: TextDocument; position: Position; text: string } {
  const offset = text.indexOf('|');
  const clean = offset >= 0 ? text.slice(0, offset) + text.slice(offset + 1) : text;
  const doc = TextDocument.create(`file:///test/doc${++counter}.sql`, 'sql', 1, clean);
  return { service, doc, position: doc.positionAt(Math.max(0, offset)), text: clean };
}

export function withTables(): LanguageService {
  const service = new LanguageService();
  service.setWorkspaceFile('file:///test/tables.sql', TABLES);
  return service;
}

export function labels(service: LanguageService, text: string): string[] {
  const { doc, position } = at(text, service);
  return service.completion(doc, position).items.map((i) => i.label);
}
