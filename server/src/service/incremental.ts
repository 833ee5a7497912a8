// Keystrokes in a large file should cost what they change, not the whole file. The text is cut
// into chunks at each top-level `;`; after an edit only the chunks the edit touches are scanned
// and parsed again, and the others are reused (shifted when they lie after the edit).
import type { ParsedStatement, ParseResult } from '../language/ast';
import { parseSegment, splitStatements as coreSplit } from '../language';
import { parseText } from './core';

/** End offsets (just after each top-level `;`) of the text's chunks; the last chunk runs to the end. */
export interface Chunking {
  ends: number[];
  /** An unclosed string, name or comment runs to the end: incremental reuse is off. */
  open: boolean;
}

/** Lengths of the common prefix and suffix of two texts (not overlapping). */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = max - prefix;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

/**
 * Scan from `from` (a chunk start, so outside strings and comments) and call `onEnd` with each
 * chunk end; `onEnd` returning true stops the scan.
 */
function scanChunks(text: string, from: number, onEnd: (end: number) => boolean): boolean {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if ((c === 45 && text.charCodeAt(i + 1) === 45) || c === 35) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return true;
      i = close + 2;
      continue;
    }
    if (c === 39 || c === 34 || c === 96) {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92 && c !== 96) j += 2;
        else if (d === c) {
          if (text.charCodeAt(j + 1) === c) j += 2;
          else {
            closed = true;
            j++;
            break;
          }
        } else j++;
      }
      if (!closed) return true;
      i = j;
      continue;
    }
    i++;
    if (c === 59 && onEnd(i)) return false;
  }
  return false;
}

export function chunk(text: string): Chunking {
  const ends: number[] = [];
  const open = scanChunks(text, 0, (end) => {
    ends.push(end);
    return false;
  });
  return { ends, open };
}

/** The new text's chunking, rescanning only from the last chunk before the edit until the chunks line up again. */
export function rechunk(previous: Chunking, oldText: string, text: string, prefix: number, suffix: number): Chunking {
  if (previous.open) return chunk(text);
  const delta = text.length - oldText.length;
  const ends = previous.ends;
  // Chunks that end at or before the prefix are unchanged.
  let keep = 0;
  while (keep < ends.length && ends[keep] <= prefix) keep++;
  const out = ends.slice(0, keep);
  const from = keep > 0 ? ends[keep - 1] : 0;
  const changedEnd = text.length - suffix;
  const oldEnds = new Set(ends);
  let resync = -1;
  const open = scanChunks(text, from, (end) => {
    out.push(end);
    // Past the edit, a chunk end that is an old chunk end (shifted) means the rest is the same.
    if (end > changedEnd && oldEnds.has(end - delta)) {
      resync = end - delta;
      return true;
    }
    return false;
  });
  if (open) return { ends: out, open: true };
  if (resync >= 0) {
    for (let k = ends.indexOf(resync) + 1; k < ends.length; k++) out.push(ends[k] + delta);
  }
  return { ends: out, open: false };
}

/** Shift every span of a parsed statement in place; `seen` keeps a span shared by two nodes from moving twice. Iterative (deep operator chains). */
function shift(root: unknown, delta: number, seen: Set<object>): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    const o = node as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      if (seen.has(o)) continue;
      seen.add(o);
      o.start += delta;
      o.end += delta;
      continue;
    }
    for (const key in o) {
      const v = o[key];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}

/**
 * The parse of `text`, reusing the previous parse's statements for the chunks the edit did not
 * touch. The previous result's statements after the edit are moved (shifted in place): the
 * previous version must not be read again.
 */
export function reparse(previous: { text: string; parse: ParseResult; chunks: Chunking } | undefined, text: string, chunks: Chunking, prefix: number, suffix: number): ParseResult {
  // The mysql client's DELIMITER and \G change where statements end: parse such files whole.
  if (!previous || chunks.open || previous.chunks.open || /^\s*delimiter\s/im.test(text) || text.includes('\\G')) return parseText(text);
  const delta = text.length - previous.text.length;
  const changedEnd = text.length - suffix;
  const oldStarts = new Set([0, ...previous.chunks.ends]);
  const oldStatements = previous.parse.statements;
  const statements: ParsedStatement[] = [];
  let k = 0; // cursor into oldStatements
  const starts = [0, ...chunks.ends];
  const seen = new Set<object>();
  for (let c = 0; c < starts.length; c++) {
    const a = starts[c];
    const b = c + 1 < starts.length ? starts[c + 1] : text.length;
    if (a >= b) continue;
    const unchangedBefore = b <= prefix;
    const unchangedAfter = a >= changedEnd && oldStarts.has(a - delta);
    if (unchangedBefore || unchangedAfter) {
      const oa = unchangedBefore ? a : a - delta;
      const ob = unchangedBefore ? b : b - delta;
      while (k < oldStatements.length && oldStatements[k].span.start < oa) k++;
      while (k < oldStatements.length && oldStatements[k].span.start < ob) {
        const s = oldStatements[k++];
        if (!unchangedBefore && delta !== 0) shift(s, delta, seen);
        statements.push(s);
      }
      continue;
    }
    for (const segment of coreSplit(text.slice(a, b))) {
      statements.push(parseSegment(text, { ...segment, span: { start: segment.span.start + a, end: segment.span.end + a } }));
    }
  }
  return { text, statements };
}
