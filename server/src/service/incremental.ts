// Completion on every keystroke must not scan a large file: the text is cut into chunks at each
// top-level `;`, and after an edit only the chunks the edit touches are scanned again. (Parsing is
// incremental in the language core: parse(text, previous).)
import { commonEnds } from '../language/parse';

export { commonEnds };

/** End offsets (just after each top-level `;`) of the text's chunks; the last chunk runs to the end. */
export interface Chunking {
  ends: number[];
  /** An unclosed string, name or comment runs to the end: incremental reuse is off. */
  open: boolean;
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
