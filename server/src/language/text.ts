// Small text helpers shared by the parser, analysis, the engine and the editor services.
import type { Span } from './ast';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/**
 * The value of a quoted SQL string or back-quoted name: quotes removed, doubled quotes and
 * backslash escapes resolved as MySQL and StarRocks read them. Unquoted text comes back as is.
 */
export function unquote(text: string): string {
  if (text.length < 2) return text;
  const q = text[0];
  if ((q !== "'" && q !== '"' && q !== '`') || text[text.length - 1] !== q) return text;
  const body = text.slice(1, -1);
  if (q === '`') return body.split('``').join('`');
  if (!body.includes('\\') && !body.includes(q + q)) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      const n = body[++i];
      // StarRocks keeps the backslash of other escapes: \x01 stays a hex delimiter, \% a LIKE escape.
      if (n === '\\' || n === "'" || n === '"' || n === '`') out += n;
      else out += ESCAPES[n] ?? '\\' + n;
    } else if (c === q && body[i + 1] === q) {
      out += q;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Quote a value as a double-quoted SQL string. */
export function quote(value: string, q: "'" | '"' = '"'): string {
  return q + value.replace(/\\/g, '\\\\').split(q).join('\\' + q) + q;
}

/** The source text a span covers. */
export function sourceText(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate, when it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 4)));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
