// The fast path of JSON loads: one pass over the body's bytes that validates all of it as JSON and
// notes where each row's source values lie (a token per slot), instead of JSON.parse building every row
// as objects and a JsonPath walk per value. The body is valid UTF-8 (the caller checks), so a string
// without escapes is its bytes. A token's value is exactly what the general path makes of it (Tokens.value:
// a string's text, a number's String(Number(token)), 'true'/'false', null; an object or array as
// JSON.stringify(JSON.parse(its text))), and the load converts most tokens without making that value.
//
// It takes the common shapes only and says so otherwise: the caller runs the general path instead,
// for the whole body (`scan` returns false: not one JSON document of the expected kind, or invalid
// JSON anywhere — the general path then reports what StarRocks would) or for one row (`onRow` with
// `exact` false: an element that is not an object, a repeated key on a path, an escaped key, or —
// without jsonpaths — a column whose key is missing, which the general path looks up ignoring case).

import type { PathStep } from './jsonpath';
import type { Source } from './vector';

/** What a slot's token is; its bytes are [start, end) of the body. */
export const Token = {
  /** null, or no value at the path. */
  NULL: 0,
  /** A string without escapes (its bytes, without the quotes), or a CSV field. */
  TEXT: 1,
  /** A string with escapes, quotes included. */
  ESCAPED: 2,
  /** A number whose text is not its own String(Number(text)). */
  NUMBER: 3,
  /** A number whose text is its own String(Number(text)). */
  PLAIN_NUMBER: 4,
  TRUE: 5,
  FALSE: 6,
  /** An object or an array. */
  COMPOSITE: 7,
} as const;

const { NULL, TEXT, ESCAPED, NUMBER, PLAIN_NUMBER, TRUE, FALSE, COMPOSITE } = Token;

/** One row's source slots as tokens. */
export class Tokens {
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  constructor(count: number) {
    this.kinds = new Uint8Array(count);
    this.starts = new Int32Array(count);
    this.ends = new Int32Array(count);
  }

  /** The slot's value as the general path has it (JSON.parse, then jsonScalar; a CSV field's text). */
  value(slot: number, source: Source): string | null {
    const start = this.starts[slot]!;
    const end = this.ends[slot]!;
    switch (this.kinds[slot]) {
      case NULL: return null;
      case TEXT: case PLAIN_NUMBER: return source.decode(start, end);
      case ESCAPED: return JSON.parse(source.decode(start, end)) as string;
      case NUMBER: return String(Number(source.decode(start, end)));
      case TRUE: return 'true';
      case FALSE: return 'false';
      default: return JSON.stringify(JSON.parse(source.decode(start, end)));
    }
  }
}

/** 1 for the bytes a string holds as they are: not a quote, a backslash or a control character. */
const PLAIN_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 256; c++) PLAIN_BYTE[c] = c === 0x22 || c === 0x5c ? 0 : 1;

/** The paths of a load as a tree of keys; each node lists the source slots its value fills. */
export class KeyNode {
  readonly slots: number[] = [];
  readonly children: KeyNode[] = [];
  /** Row number this key was last met in (a repeated key sends the row to the general path). */
  seen = -1;
  /** The key's UTF-8 bytes; `plain` when they hold no quote, backslash or control character. */
  readonly bytes: Uint8Array;
  readonly plain: boolean;
  /** Which child expect() tries: rows mostly list their keys in one order. */
  private hint = 0;

  constructor(readonly key = '') {
    this.bytes = new Uint8Array(Buffer.from(key, 'utf8'));
    this.plain = this.bytes.every((c) => PLAIN_BYTE[c] === 1);
  }

  child(key: string): KeyNode {
    let found = this.findKey(key);
    if (!found) {
      found = new KeyNode(key);
      this.children.push(found);
    }
    return found;
  }

  /** The child for the unescaped key at bytes [start, end), without making a string. */
  find(b: Uint8Array, start: number, end: number): KeyNode | undefined {
    const length = end - start;
    for (const c of this.children) {
      const key = c.bytes;
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === b[start + i]) i++;
      if (i === length) return c;
    }
    return undefined;
  }

  /**
   * The child whose key, then a closing quote, is at bytes[at…], if it is the one after the child found
   * last. Keys with quotes, backslashes or control characters are left to find(), once the key's string
   * has been scanned.
   */
  expect(b: Uint8Array, at: number): KeyNode | undefined {
    const c = this.children[this.hint];
    if (c === undefined || !c.plain) return undefined;
    const key = c.bytes;
    const length = key.length;
    for (let i = 0; i < length; i++) if (key[i] !== b[at + i]) return undefined;
    if (b[at + length] !== 0x22) return undefined;
    this.hint = this.hint + 1 === this.children.length ? 0 : this.hint + 1;
    return c;
  }

  /** After a key found otherwise, expect() tries the child after it. */
  follow(child: KeyNode): void {
    const i = this.children.indexOf(child);
    this.hint = i + 1 === this.children.length ? 0 : i + 1;
  }

  findKey(key: string): KeyNode | undefined {
    return this.children.find((c) => c.key === key);
  }
}

/**
 * The key tree of jsonpaths, or of plain column names (keys of the row object); undefined when some
 * path is outside what the scanner takes (`$` itself, array indexes): the general path runs then.
 */
export function keyTree(paths: PathStep[][]): KeyNode | undefined {
  const root = new KeyNode();
  for (let slot = 0; slot < paths.length; slot++) {
    const steps = paths[slot]!;
    if (steps.length === 0) return undefined;
    let node = root;
    for (const step of steps) {
      // A missing key the general path reads through the prototype (`constructor`, `__proto__`…) stays there;
      // so does a key that is not well-formed UTF-16 (its bytes would match a U+FFFD in the data).
      if (typeof step !== 'string' || step in Object.prototype || Buffer.from(step, 'utf8').toString('utf8') !== step) return undefined;
      node = node.child(step);
    }
    node.slots.push(slot);
  }
  return root;
}

class NotJson extends Error {}
const NOT_JSON = new NotJson('not the JSON the scanner takes');

export class JsonScanner {
  /** The body, and the same bytes as a plain Uint8Array (indexed faster than a Buffer). */
  private body: Buffer = Buffer.alloc(0);
  private bytes: Uint8Array = new Uint8Array(0);
  private length = 0;
  /** The body's whole aligned words (plainEnd), from byte `wordsAt` of its ArrayBuffer; the body is at `offset`. */
  private words: Int32Array = new Int32Array(0);
  private wordsAt = 0;
  private offset = 0;
  private rowNumber = 0;
  /** The row leaves the fast path (see the file comment). */
  private inexact = false;
  /** What string() and scalar() found besides where they end. */
  private escaped = false;
  private kind = 0;
  private readonly required: KeyNode[];
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  /**
   * `namesOnly`: the tree holds plain column names (no jsonpaths), so a missing key is not simply NULL.
   * `onRow(start, end, exact)`: the row's bytes are [start, end); with `exact` its tokens are filled.
   */
  constructor(private readonly root: KeyNode, tokens: Tokens, namesOnly: boolean, private readonly onRow: (start: number, end: number, exact: boolean) => void) {
    this.required = namesOnly ? root.children : [];
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
  }

  /**
   * Scans the whole body: one array of rows (`array`) or one row object. False when the body is not
   * exactly one such JSON document; rows already reported must then be discarded by the caller.
   */
  scan(bytes: Buffer, array: boolean): boolean {
    this.body = bytes;
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    this.length = bytes.length;
    this.offset = bytes.byteOffset;
    this.wordsAt = (bytes.byteOffset + 3) & ~3;
    this.words = new Int32Array(bytes.buffer, this.wordsAt, Math.max(0, (bytes.byteOffset + bytes.length - this.wordsAt) >> 2));
    try {
      let pos = this.ws(0);
      const first = bytes[pos];
      if (array) {
        if (first !== 0x5b) return false;
        pos = this.ws(pos + 1);
        if (bytes[pos] === 0x5d) pos++;
        else {
          for (;;) {
            pos = this.ws(this.element(pos));
            const c = bytes[pos++];
            if (c === 0x5d) break;
            if (c !== 0x2c) return false;
            pos = this.ws(pos);
          }
        }
      } else {
        if (first !== 0x7b) return false;
        pos = this.element(pos);
      }
      return this.ws(pos) === this.length;
    } catch (error) {
      // Invalid JSON, or nesting deeper than the stack: the general path decides.
      if (error === NOT_JSON || error instanceof RangeError) return false;
      throw error;
    } finally {
      this.body = Buffer.alloc(0);
      this.bytes = new Uint8Array(0);
      this.words = new Int32Array(0);
    }
  }

  /** One row at pos: an element of the outer array, or the document itself. Returns where it ends. */
  private element(start: number): number {
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length; i++) kinds[i] = NULL;
    this.rowNumber++;
    this.inexact = false;
    let end: number;
    if (this.bytes[start] === 0x7b) end = this.object(this.root, start);
    else {
      end = this.skipValue(start);
      this.inexact = true;
    }
    if (!this.inexact) {
      const required = this.required;
      for (let i = 0; i < required.length; i++) {
        if (required[i]!.seen !== this.rowNumber) { this.inexact = true; break; }
      }
    }
    this.onRow(start, end, !this.inexact);
    return end;
  }

  /** Past the whitespace at pos (compact JSON has none: one comparison). */
  private ws(pos: number): number {
    const b = this.bytes;
    const length = this.length;
    while (pos < length) {
      const c = b[pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    return pos;
  }

  /** An object at pos whose keys are looked up in `node`; returns where it ends. */
  private object(node: KeyNode, at: number): number {
    const b = this.bytes;
    let pos = this.ws(at + 1);
    if (b[pos] === 0x7d) return pos + 1;
    for (;;) {
      if (b[pos] !== 0x22) throw NOT_JSON;
      let child = node.expect(b, pos + 1);
      if (child !== undefined) pos += child.bytes.length + 2;
      else {
        const keyEnd = this.string(pos);
        if (this.escaped) {
          child = node.findKey(JSON.parse(this.body.toString('utf8', pos, keyEnd)) as string);
          if (child) this.inexact = true;
        } else child = node.children.length === 0 ? undefined : node.find(b, pos + 1, keyEnd - 1);
        if (child) node.follow(child);
        pos = keyEnd;
      }
      // Compact JSON has no whitespace: each ws() call is skipped when the next byte is not one.
      if (b[pos] !== 0x3a) pos = this.ws(pos);
      if (b[pos] !== 0x3a) throw NOT_JSON;
      pos++;
      if (b[pos]! <= 0x20) pos = this.ws(pos);
      if (child === undefined) pos = this.skipValue(pos);
      else {
        if (child.seen === this.rowNumber) this.inexact = true;
        child.seen = this.rowNumber;
        pos = this.value(child, pos);
      }
      let c = b[pos++];
      if (c! <= 0x20) {
        pos = this.ws(pos - 1);
        c = b[pos++];
      }
      if (c === 0x7d) return pos;
      if (c !== 0x2c) throw NOT_JSON;
      if (b[pos]! <= 0x20) pos = this.ws(pos);
    }
  }

  /** A value on a path at pos: notes it in the node's slots, goes down when it is an object with keys on paths. */
  private value(node: KeyNode, start: number): number {
    const c = this.bytes[start];
    let kind: number;
    let from = start;
    let to: number;
    let end: number;
    if (c === 0x22) {
      const quote = this.plainEnd(start + 1);
      if (this.bytes[quote] === 0x22) {
        // Most strings: plain bytes up to the closing quote.
        kind = TEXT;
        from++;
        to = quote;
        end = quote + 1;
      } else {
        end = this.string(start);
        kind = this.escaped ? ESCAPED : TEXT;
        to = end;
        if (!this.escaped) { from++; to--; }
      }
    } else if (c === 0x7b || c === 0x5b) {
      end = c === 0x7b && node.children.length > 0 ? this.object(node, start) : this.skipValue(start);
      kind = COMPOSITE;
      to = end;
    } else {
      end = this.scalar(start);
      kind = this.kind;
      to = end;
    }
    const slots = node.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      this.kinds[slot] = kind;
      this.starts[slot] = from;
      this.ends[slot] = to;
    }
    return end;
  }

  /** A number, true, false or null at pos; its token kind in `kind`. Returns where it ends. */
  private scalar(start: number): number {
    const b = this.bytes;
    let c = b[start];
    if (c === 0x74) return this.literal(start, 0x72, 0x75, 0x65, 4, TRUE); // true
    if (c === 0x66) { // false
      if (b[start + 4] !== 0x65) throw NOT_JSON;
      return this.literal(start, 0x61, 0x6c, 0x73, 5, FALSE);
    }
    if (c === 0x6e) return this.literal(start, 0x75, 0x6c, 0x6c, 4, NULL); // null
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    let pos = start;
    // Whether the token is its own String(Number(token)): no exponent, at most 15 digits (so the shortest
    // round-trip form has the same digits), no trailing zero in a fraction, not -0, and not below 1e-6
    // (which prints with an exponent).
    let plain = true;
    if (c === 0x2d) c = b[++pos];
    const intStart = pos;
    if (c === 0x30) c = b[++pos];
    else if (c !== undefined && c >= 0x31 && c <= 0x39) {
      do c = b[++pos]; while (c !== undefined && c >= 0x30 && c <= 0x39);
    } else throw NOT_JSON;
    let digits = pos - intStart;
    if (c === 0x2e) {
      const fracStart = pos + 1;
      c = b[++pos];
      if (c === undefined || !(c >= 0x30 && c <= 0x39)) throw NOT_JSON;
      do c = b[++pos]; while (c !== undefined && c >= 0x30 && c <= 0x39);
      digits += pos - fracStart;
      if (b[pos - 1] === 0x30 || (digits - (pos - fracStart) === 1 && b[intStart] === 0x30 && this.zeros(fracStart, 6))) plain = false;
    } else if (digits === 1 && b[intStart] === 0x30 && intStart > start) plain = false; // -0
    if (c === 0x65 || c === 0x45) {
      plain = false;
      c = b[++pos];
      if (c === 0x2b || c === 0x2d) c = b[++pos];
      if (c === undefined || !(c >= 0x30 && c <= 0x39)) throw NOT_JSON;
      do c = b[++pos]; while (c !== undefined && c >= 0x30 && c <= 0x39);
    }
    this.kind = plain && digits <= 15 ? PLAIN_NUMBER : NUMBER;
    return pos;
  }

  /** `count` zero digits from `from` on. */
  private zeros(from: number, count: number): boolean {
    for (let i = from; i < from + count; i++) if (this.bytes[i] !== 0x30) return false;
    return true;
  }

  /** true, false or null at p, given its second to fourth bytes and its length. */
  private literal(p: number, c1: number, c2: number, c3: number, length: number, kind: number): number {
    const b = this.bytes;
    if (b[p + 1] !== c1 || b[p + 2] !== c2 || b[p + 3] !== c3) throw NOT_JSON;
    this.kind = kind;
    return p + length;
  }

  /** A string at pos (its opening quote); returns where it ends (past the closing quote), `escaped` set. */
  private string(start: number): number {
    const b = this.bytes;
    let pos = this.plainEnd(start + 1);
    if (b[pos] === 0x22) {
      this.escaped = false;
      return pos + 1;
    }
    for (;;) {
      const c = b[pos];
      if (c === 0x22) break;
      if (c === undefined || c < 0x20) throw NOT_JSON; // a control character, or the end of the body
      if (c !== 0x5c) { pos++; continue; }
      const e = b[pos + 1];
      if (e === 0x75) {
        for (let i = pos + 2; i < pos + 6; i++) {
          const h = b[i];
          if (h === undefined || !((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) throw NOT_JSON;
        }
        pos += 6;
      } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        pos += 2;
      } else throw NOT_JSON;
    }
    this.escaped = true;
    return pos + 1;
  }

  /**
   * The first position from `pos` on whose byte is a quote, a backslash or a control character (or the
   * end). Most strings hold only plain bytes, so the aligned part is read four bytes at a time: a word has
   * none of the three when no byte is 0x22, none is 0x5c and none is below 0x20.
   */
  private plainEnd(pos: number): number {
    const b = this.bytes;
    const length = this.length;
    while (((this.offset + pos) & 3) !== 0) {
      if (pos >= length || PLAIN_BYTE[b[pos]!] !== 1) return pos;
      pos++;
    }
    // pos is aligned, so at or past the first word.
    const words = this.words;
    const count = words.length;
    let k = (this.offset + pos - this.wordsAt) >> 2;
    for (; k < count; k++) {
      const w = words[k]!;
      const quote = w ^ 0x22222222;
      const backslash = w ^ 0x5c5c5c5c;
      if (((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((w - 0x20202020) & ~w)) & 0x80808080) !== 0) break;
    }
    pos = this.wordsAt - this.offset + (k << 2);
    while (pos < length && PLAIN_BYTE[b[pos]!] === 1) pos++;
    return pos;
  }

  /** Any value at pos, validated and passed over; returns where it ends. */
  private skipValue(start: number): number {
    const b = this.bytes;
    const c = b[start];
    if (c === 0x22) return this.string(start);
    if (c === 0x7b) {
      let pos = this.ws(start + 1);
      if (b[pos] === 0x7d) return pos + 1;
      for (;;) {
        if (b[pos] !== 0x22) throw NOT_JSON;
        pos = this.ws(this.string(pos));
        if (b[pos] !== 0x3a) throw NOT_JSON;
        pos = this.ws(this.skipValue(this.ws(pos + 1)));
        const d = b[pos++];
        if (d === 0x7d) return pos;
        if (d !== 0x2c) throw NOT_JSON;
        pos = this.ws(pos);
      }
    }
    if (c === 0x5b) {
      let pos = this.ws(start + 1);
      if (b[pos] === 0x5d) return pos + 1;
      for (;;) {
        pos = this.ws(this.skipValue(pos));
        const d = b[pos++];
        if (d === 0x5d) return pos;
        if (d !== 0x2c) throw NOT_JSON;
        pos = this.ws(pos);
      }
    }
    return this.scalar(start);
  }
}
