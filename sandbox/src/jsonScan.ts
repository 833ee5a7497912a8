// The fast path of JSON loads: one pass over the body's text that validates all of it as JSON and
// picks each row's source values out where they lie, instead of JSON.parse building every row as
// objects and a JsonPath walk per value. Values come out exactly as the general path makes them
// (a string's text, a number's String(Number(token)), 'true'/'false', null; an object or array as
// JSON.stringify(JSON.parse(its text))).
//
// It takes the common shapes only and says so otherwise: the caller runs the general path instead,
// for the whole body (`scan` returns false: not one JSON document of the expected kind, or invalid
// JSON anywhere — the general path then reports what StarRocks would) or for one row (`onRow` with
// `exact` false: an element that is not an object, a repeated key on a path, an escaped key, or —
// without jsonpaths — a column whose key is missing, which the general path looks up ignoring case).

import type { PathStep } from './jsonpath';

/** The paths of a load as a tree of keys; each node lists the source slots its value fills. */
export class KeyNode {
  readonly slots: number[] = [];
  readonly children: { key: string; node: KeyNode }[] = [];
  /** Row number this key was last met in (a repeated key sends the row to the general path). */
  seen = -1;

  child(key: string): KeyNode {
    let found = this.children.find((c) => c.key === key)?.node;
    if (!found) {
      found = new KeyNode();
      this.children.push({ key, node: found });
    }
    return found;
  }

  /** The child for the key text[start, end) (unescaped), without making a string. */
  find(text: string, start: number, end: number): KeyNode | undefined {
    const length = end - start;
    const children = this.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (c.key.length === length && text.startsWith(c.key, start)) return c.node;
    }
    return undefined;
  }

  findKey(key: string): KeyNode | undefined {
    return this.children.find((c) => c.key === key)?.node;
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
      // A missing key the general path reads through the prototype (`constructor`, `__proto__`…) stays there.
      if (typeof step !== 'string' || step in Object.prototype) return undefined;
      node = node.child(step);
    }
    node.slots.push(slot);
  }
  return root;
}

class NotJson extends Error {}
const NOT_JSON = new NotJson('not the JSON the scanner takes');

// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const CONTROL = /[\u0000-\u001f]/g;

/** The index of the next `c` at or after `from`, or the text's length. */
function next(text: string, c: string, from: number): number {
  const i = text.indexOf(c, from);
  return i < 0 ? text.length : i;
}

/** The index of the next control character (U+0000..U+001F) at or after `from`, or the text's length. */
function nextControl(text: string, from: number): number {
  CONTROL.lastIndex = from;
  return CONTROL.exec(text)?.index ?? text.length;
}

export class JsonScanner {
  private text = '';
  private pos = 0;
  private rowNumber = 0;
  /** The row leaves the fast path (see the file comment). */
  private inexact = false;
  private row: unknown[] = [];
  /** Where the next backslash and the next control character are (see string()). */
  private nextBackslash = -1;
  private nextControl = -1;
  private readonly required: KeyNode[];

  /**
   * `namesOnly`: the tree holds plain column names (no jsonpaths), so a missing key is not simply NULL.
   * `onRow(start, end, exact)`: the row's text is text[start, end); with `exact` its source slots are filled.
   */
  constructor(private readonly root: KeyNode, private readonly slotCount: number, namesOnly: boolean, private readonly onRow: (start: number, end: number, exact: boolean) => void) {
    this.required = namesOnly ? root.children.map((c) => c.node) : [];
  }

  /**
   * Scans the whole text: one array of rows (`array`) or one row object. False when the text is not
   * exactly one such JSON document; rows already reported must then be discarded by the caller.
   */
  scan(text: string, array: boolean, row: unknown[]): boolean {
    this.text = text;
    this.row = row;
    this.pos = 0;
    this.nextBackslash = -1;
    this.nextControl = -1;
    try {
      this.ws();
      const first = text.charCodeAt(this.pos);
      if (array) {
        if (first !== 0x5b) return false;
        this.pos++;
        this.ws();
        if (text.charCodeAt(this.pos) === 0x5d) this.pos++;
        else {
          for (;;) {
            this.element();
            this.ws();
            const c = text.charCodeAt(this.pos++);
            if (c === 0x5d) break;
            if (c !== 0x2c) return false;
            this.ws();
          }
        }
      } else {
        if (first !== 0x7b) return false;
        this.element();
      }
      this.ws();
      return this.pos === text.length;
    } catch (error) {
      // Invalid JSON, or nesting deeper than the stack: the general path decides.
      if (error === NOT_JSON || error instanceof RangeError) return false;
      throw error;
    } finally {
      this.text = '';
      this.row = [];
    }
  }

  /** One row: an element of the outer array, or the document itself. */
  private element(): void {
    const start = this.pos;
    const row = this.row;
    for (let i = 0; i < this.slotCount; i++) row[i] = null;
    this.rowNumber++;
    this.inexact = false;
    if (this.text.charCodeAt(start) === 0x7b) this.object(this.root);
    else {
      this.skipValue();
      this.inexact = true;
    }
    if (!this.inexact) {
      const required = this.required;
      for (let i = 0; i < required.length; i++) {
        if (required[i]!.seen !== this.rowNumber) { this.inexact = true; break; }
      }
    }
    this.onRow(start, this.pos, !this.inexact);
  }

  private ws(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** An object at pos whose keys are looked up in `node`. */
  private object(node: KeyNode): void {
    const text = this.text;
    this.pos++; // {
    this.ws();
    if (text.charCodeAt(this.pos) === 0x7d) { this.pos++; return; }
    for (;;) {
      if (text.charCodeAt(this.pos) !== 0x22) throw NOT_JSON;
      const keyStart = this.pos + 1;
      const escaped = this.string();
      const keyEnd = this.pos - 1;
      let child: KeyNode | undefined;
      if (escaped) {
        child = node.findKey(JSON.parse(text.slice(keyStart - 1, keyEnd + 1)) as string);
        if (child) this.inexact = true;
      } else child = node.children.length === 0 ? undefined : node.find(text, keyStart, keyEnd);
      this.ws();
      if (text.charCodeAt(this.pos) !== 0x3a) throw NOT_JSON;
      this.pos++;
      this.ws();
      if (child === undefined) this.skipValue();
      else {
        if (child.seen === this.rowNumber) this.inexact = true;
        child.seen = this.rowNumber;
        this.value(child);
      }
      this.ws();
      const c = text.charCodeAt(this.pos++);
      if (c === 0x7d) return;
      if (c !== 0x2c) throw NOT_JSON;
      this.ws();
    }
  }

  /** A value on a path: fills the node's slots, goes down when it is an object with keys on paths. */
  private value(node: KeyNode): void {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    let v: string | null;
    if (c === 0x22) {
      const escaped = this.string();
      if (node.slots.length === 0) return;
      v = escaped ? JSON.parse(text.slice(start, this.pos)) as string : text.slice(start + 1, this.pos - 1);
    } else if (c === 0x7b || c === 0x5b) {
      if (c === 0x7b && node.children.length > 0) this.object(node);
      else this.skipValue();
      if (node.slots.length === 0) return;
      v = JSON.stringify(JSON.parse(text.slice(start, this.pos)));
    } else {
      v = this.scalar(node.slots.length > 0);
      if (node.slots.length === 0) return;
    }
    const slots = node.slots;
    for (let i = 0; i < slots.length; i++) this.row[slots[i]!] = v;
  }

  /** A number, true, false or null at pos; with `want`, its text as the general path gives it. */
  private scalar(want: boolean): string | null {
    const text = this.text;
    const start = this.pos;
    let c = text.charCodeAt(start);
    if (c === 0x74) { this.literal('true'); return 'true'; }
    if (c === 0x66) { this.literal('false'); return 'false'; }
    if (c === 0x6e) { this.literal('null'); return null; }
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    let pos = start;
    // Whether the token is its own String(Number(token)): no exponent, at most 15 digits (so the shortest
    // round-trip form has the same digits), no trailing zero in a fraction, not -0, and not below 1e-6
    // (which prints with an exponent).
    let plain = true;
    if (c === 0x2d) c = text.charCodeAt(++pos);
    const intStart = pos;
    if (c === 0x30) c = text.charCodeAt(++pos);
    else if (c >= 0x31 && c <= 0x39) {
      do c = text.charCodeAt(++pos); while (c >= 0x30 && c <= 0x39);
    } else throw NOT_JSON;
    let digits = pos - intStart;
    if (c === 0x2e) {
      const fracStart = pos + 1;
      c = text.charCodeAt(++pos);
      if (!(c >= 0x30 && c <= 0x39)) throw NOT_JSON;
      do c = text.charCodeAt(++pos); while (c >= 0x30 && c <= 0x39);
      digits += pos - fracStart;
      if (text.charCodeAt(pos - 1) === 0x30 || (digits - (pos - fracStart) === 1 && text.charCodeAt(intStart) === 0x30 && text.startsWith('000000', fracStart))) plain = false;
    }
    if (c === 0x65 || c === 0x45) {
      plain = false;
      c = text.charCodeAt(++pos);
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++pos);
      if (!(c >= 0x30 && c <= 0x39)) throw NOT_JSON;
      do c = text.charCodeAt(++pos); while (c >= 0x30 && c <= 0x39);
    }
    this.pos = pos;
    if (!want) return null;
    const token = text.slice(start, pos);
    if (plain && digits <= 15 && token !== '-0') return token;
    return String(Number(token));
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) throw NOT_JSON;
    this.pos += word.length;
  }

  /** A string at pos (its opening quote); pos ends past the closing quote. True when it has escapes. */
  private string(): boolean {
    const text = this.text;
    const from = this.pos + 1;
    const quote = text.indexOf('"', from);
    if (quote < 0) throw NOT_JSON;
    // Most strings have neither escapes nor control characters: the next of each is known ahead.
    if (this.nextBackslash < from) this.nextBackslash = next(text, '\\', from);
    if (this.nextControl < from) this.nextControl = nextControl(text, from);
    if (quote < this.nextBackslash && quote < this.nextControl) {
      this.pos = quote + 1;
      return false;
    }
    let pos = from;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20 || c !== c) throw NOT_JSON; // a control character, or the end of the text
      if (c !== 0x5c) { pos++; continue; }
      const e = text.charCodeAt(pos + 1);
      if (e === 0x75) {
        for (let i = pos + 2; i < pos + 6; i++) {
          const h = text.charCodeAt(i);
          if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) throw NOT_JSON;
        }
        pos += 6;
      } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        pos += 2;
      } else throw NOT_JSON;
    }
    this.pos = pos + 1;
    return true;
  }

  /** Any value, validated and passed over. */
  private skipValue(): void {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === 0x22) { this.string(); return; }
    if (c === 0x7b) {
      this.pos++;
      this.ws();
      if (text.charCodeAt(this.pos) === 0x7d) { this.pos++; return; }
      for (;;) {
        if (text.charCodeAt(this.pos) !== 0x22) throw NOT_JSON;
        this.string();
        this.ws();
        if (text.charCodeAt(this.pos) !== 0x3a) throw NOT_JSON;
        this.pos++;
        this.ws();
        this.skipValue();
        this.ws();
        const d = text.charCodeAt(this.pos++);
        if (d === 0x7d) return;
        if (d !== 0x2c) throw NOT_JSON;
        this.ws();
      }
    }
    if (c === 0x5b) {
      this.pos++;
      this.ws();
      if (text.charCodeAt(this.pos) === 0x5d) { this.pos++; return; }
      for (;;) {
        this.skipValue();
        this.ws();
        const d = text.charCodeAt(this.pos++);
        if (d === 0x5d) return;
        if (d !== 0x2c) throw NOT_JSON;
        this.ws();
      }
    }
    this.scalar(false);
  }
}
