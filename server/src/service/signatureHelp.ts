// Signature help inside a function call in COLUMNS or WHERE, from tokens so it works while the
// call is half typed.
import type { SignatureHelp } from 'vscode-languageserver-types';
import { cursorContext } from './context';
import type { DocumentState } from './documents';
import { findFunction } from './functionCatalogue';

export function signatureHelp(doc: DocumentState, offset: number): SignatureHelp | null {
  const r = doc.rangeAt(offset);
  if (!r) return null;
  const ctx = cursorContext(doc.text, r.start, r.end, offset);
  const enc = ctx.enclosure;
  if (!enc || enc.owner !== 'call' || !enc.ownerToken) return null;
  const f = findFunction(enc.ownerToken.text);
  if (!f) return null;
  // Commas at the call's own depth before the cursor.
  let depth = 0;
  let commas = 0;
  for (let k = enc.openIndex + 1; k < ctx.before.length; k++) {
    const t = ctx.before[k].text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (t === ',' && depth === 0) commas++;
  }
  const signatures = f.signatures.map((s) => ({
    label: s.label,
    documentation: f.docs,
    parameters: s.parameters.map((p) => ({ label: p })),
  }));
  if (signatures.length === 0) return null;
  const params = signatures[0].parameters.length;
  return { signatures, activeSignature: 0, activeParameter: params ? Math.min(commas, params - 1) : 0 };
}
