//! The sandbox's JSON fast path in WebAssembly, for the common case: each row an object whose keys are the load's
//! column names or single-step jsonpaths. It does what JsonScanner in sandbox/src/jsonScan.ts does for such a key
//! tree — validates the whole body as JSON and notes, per row, where each slot's value lies and what kind of token it
//! is — and gives the same tokens; rows it does not take exactly are reported as inexact, for the general path.
//! Where JsonScanner takes a row exactly, so does this (escaped keys excepted: such rows go to the general path).
//!
//! The caller writes the key tree (`children`, `keys`, `slots`), copies the body to `body()` and calls `scan`; each
//! row is reported through the imported `row(start, end, exact)`, with its tokens in `kinds`, `starts`, `ends`.
//! A zero byte is written after the body: no JSON token continues through one, so scans need no bounds checks.

#![no_std]

use core::arch::wasm32::*;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

extern "C" {
    /// The row [start, end) of the body was scanned; `exact`: its tokens are filled.
    fn row(start: u32, end: u32, exact: u32);
}

const MAX_CHILDREN: usize = 64;
const MAX_SLOTS: usize = 256;
const MAX_KEY_BYTES: usize = 8192;
/// Containers nested deeper inside a value are left to the JavaScript scanner.
const MAX_DEPTH: usize = 512;

// Token kinds, as Token in jsonScan.ts.
const NULL: u8 = 0;
const TEXT: u8 = 1;
const ESCAPED: u8 = 2;
const NUMBER: u8 = 3;
const PLAIN_NUMBER: u8 = 4;
const TRUE: u8 = 5;
const FALSE: u8 = 6;
const COMPOSITE: u8 = 7;

/// Per child of the root: [key start in KEYS, key length, plain (1/0), first slot in SLOTS, slot count].
static mut CHILDREN: [u32; MAX_CHILDREN * 5] = [0; MAX_CHILDREN * 5];
static mut KEYS: [u8; MAX_KEY_BYTES] = [0; MAX_KEY_BYTES];
static mut SLOTS: [u32; MAX_SLOTS] = [0; MAX_SLOTS];
static mut KINDS: [u8; MAX_SLOTS] = [0; MAX_SLOTS];
static mut STARTS: [i32; MAX_SLOTS] = [0; MAX_SLOTS];
static mut ENDS: [i32; MAX_SLOTS] = [0; MAX_SLOTS];
static mut SEEN: [u32; MAX_CHILDREN] = [0; MAX_CHILDREN];
static mut STACK: [u8; MAX_DEPTH + 1] = [0; MAX_DEPTH + 1];

macro_rules! export_ptr {
    ($name:ident, $static:ident, $t:ty) => {
        #[no_mangle]
        pub extern "C" fn $name() -> *mut $t {
            unsafe { core::ptr::addr_of_mut!($static) as *mut $t }
        }
    };
}
export_ptr!(children, CHILDREN, u32);
export_ptr!(keys, KEYS, u8);
export_ptr!(slots, SLOTS, u32);
export_ptr!(kinds, KINDS, u8);
export_ptr!(starts, STARTS, i32);
export_ptr!(ends, ENDS, i32);

extern "C" {
    static __heap_base: u8;
}

/// Where the body goes: the rest of memory, which the caller grows to hold it and 32 bytes more.
#[no_mangle]
pub extern "C" fn body() -> *mut u8 {
    let base = unsafe { core::ptr::addr_of!(__heap_base) as usize };
    ((base + 15) & !15) as *mut u8
}

#[no_mangle]
pub extern "C" fn limits(which: u32) -> u32 {
    match which {
        0 => MAX_CHILDREN as u32,
        1 => MAX_SLOTS as u32,
        _ => MAX_KEY_BYTES as u32,
    }
}

struct NotJson;
type R<T> = Result<T, NotJson>;

struct Scanner {
    b: *const u8,
    children: usize,
    slot_count: usize,
    names_only: bool,
    row_number: u32,
    inexact: bool,
    hint: usize,
    /// What string() found besides where it ends.
    escaped: bool,
    kind: u8,
}

/// 1: the body is exactly one JSON document of the expected kind (an array of rows, or one row); 0: it is not, and
/// rows reported so far must be dropped.
#[no_mangle]
pub extern "C" fn scan(len: u32, children: u32, slot_count: u32, names_only: u32, array: u32) -> u32 {
    let len = len as usize;
    let b = body();
    unsafe {
        *b.add(len) = 0;
        for i in 0..MAX_CHILDREN {
            SEEN[i] = 0;
        }
    }
    let mut s = Scanner { b, children: children as usize, slot_count: slot_count as usize, names_only: names_only != 0, row_number: 0, inexact: false, hint: 0, escaped: false, kind: 0 };
    match unsafe { s.document(array != 0) } {
        Ok(end) if end == len => 1,
        _ => 0,
    }
}

impl Scanner {
    #[inline(always)]
    unsafe fn at(&self, i: usize) -> u8 {
        *self.b.add(i)
    }

    #[inline(always)]
    unsafe fn ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    }

    #[inline(always)]
    unsafe fn child(&self, c: usize, field: usize) -> usize {
        CHILDREN[c * 5 + field] as usize
    }

    unsafe fn document(&mut self, array: bool) -> R<usize> {
        let mut pos = self.ws(0);
        if array {
            if self.at(pos) != b'[' {
                return Err(NotJson);
            }
            pos = self.ws(pos + 1);
            if self.at(pos) == b']' {
                pos += 1;
            } else {
                loop {
                    let end = self.element(pos)?;
                    pos = self.ws(end);
                    let c = self.at(pos);
                    pos += 1;
                    if c == b']' {
                        break;
                    }
                    if c != b',' {
                        return Err(NotJson);
                    }
                    pos = self.ws(pos);
                }
            }
        } else {
            if self.at(pos) != b'{' {
                return Err(NotJson);
            }
            pos = self.element(pos)?;
        }
        Ok(self.ws(pos))
    }

    /// One row at `start`; where it ends.
    unsafe fn element(&mut self, start: usize) -> R<usize> {
        for i in 0..self.slot_count {
            KINDS[i] = NULL;
        }
        self.row_number += 1;
        self.inexact = false;
        let end = if self.at(start) == b'{' {
            self.object(start)?
        } else {
            self.inexact = true;
            self.skip_value(start)?
        };
        if !self.inexact && self.names_only {
            for c in 0..self.children {
                if SEEN[c] != self.row_number {
                    self.inexact = true;
                    break;
                }
            }
        }
        row(start as u32, end as u32, (!self.inexact) as u32);
        Ok(end)
    }

    /// The child whose plain key, then a quote, is at `at`, if it is the one after the child found last.
    #[inline(always)]
    unsafe fn expect(&mut self, at: usize) -> Option<usize> {
        if self.children == 0 {
            return None;
        }
        let c = self.hint;
        if self.child(c, 2) == 0 {
            return None;
        }
        let (key, length) = (self.child(c, 0), self.child(c, 1));
        for i in 0..length {
            if KEYS[key + i] != self.at(at + i) {
                return None;
            }
        }
        if self.at(at + length) != b'"' {
            return None;
        }
        self.hint = if c + 1 == self.children { 0 } else { c + 1 };
        Some(c)
    }

    /// The child whose key is the unescaped bytes [start, end).
    unsafe fn find(&mut self, start: usize, end: usize) -> Option<usize> {
        let length = end - start;
        for c in 0..self.children {
            if self.child(c, 1) != length {
                continue;
            }
            let key = self.child(c, 0);
            if (0..length).all(|i| KEYS[key + i] == self.at(start + i)) {
                self.hint = if c + 1 == self.children { 0 } else { c + 1 };
                return Some(c);
            }
        }
        None
    }

    unsafe fn object(&mut self, at: usize) -> R<usize> {
        let mut pos = self.ws(at + 1);
        if self.at(pos) == b'}' {
            return Ok(pos + 1);
        }
        loop {
            if self.at(pos) != b'"' {
                return Err(NotJson);
            }
            let child = match self.expect(pos + 1) {
                Some(c) => {
                    pos += self.child(c, 1) + 2;
                    Some(c)
                }
                None => {
                    let key_end = self.string(pos)?;
                    let found = if self.escaped {
                        // The general path decides what an escaped key names.
                        self.inexact = true;
                        None
                    } else {
                        self.find(pos + 1, key_end - 1)
                    };
                    pos = key_end;
                    found
                }
            };
            if self.at(pos) != b':' {
                pos = self.ws(pos);
            }
            if self.at(pos) != b':' {
                return Err(NotJson);
            }
            pos += 1;
            if self.at(pos) <= 0x20 {
                pos = self.ws(pos);
            }
            pos = match child {
                None => self.skip_value(pos)?,
                Some(c) => {
                    if SEEN[c] == self.row_number {
                        self.inexact = true;
                    }
                    SEEN[c] = self.row_number;
                    self.value(c, pos)?
                }
            };
            let mut c = self.at(pos);
            pos += 1;
            if c <= 0x20 {
                pos = self.ws(pos - 1);
                c = self.at(pos);
                pos += 1;
            }
            if c == b'}' {
                return Ok(pos);
            }
            if c != b',' {
                return Err(NotJson);
            }
            if self.at(pos) <= 0x20 {
                pos = self.ws(pos);
            }
        }
    }

    /// The value of a child at `start`: noted in its slots.
    unsafe fn value(&mut self, c: usize, start: usize) -> R<usize> {
        let first = self.at(start);
        let (kind, from, to, end);
        if first == b'"' {
            end = self.string(start)?;
            if self.escaped {
                kind = ESCAPED;
                from = start;
                to = end;
            } else {
                kind = TEXT;
                from = start + 1;
                to = end - 1;
            }
        } else if first == b'{' || first == b'[' {
            end = self.skip_value(start)?;
            kind = COMPOSITE;
            from = start;
            to = end;
        } else {
            end = self.scalar(start)?;
            kind = self.kind;
            from = start;
            to = end;
        }
        let (first_slot, count) = (self.child(c, 3), self.child(c, 4));
        for k in first_slot..first_slot + count {
            let slot = SLOTS[k] as usize;
            KINDS[slot] = kind;
            STARTS[slot] = from as i32;
            ENDS[slot] = to as i32;
        }
        Ok(end)
    }

    /// A number, true, false or null; its kind in `kind`.
    unsafe fn scalar(&mut self, start: usize) -> R<usize> {
        let mut c = self.at(start);
        if c == b't' {
            return self.literal(start, b"true", TRUE);
        }
        if c == b'f' {
            return self.literal(start, b"false", FALSE);
        }
        if c == b'n' {
            return self.literal(start, b"null", NULL);
        }
        // Whether the token is its own String(Number(token)), as JsonScanner.scalar decides it.
        let mut plain = true;
        let mut pos = start;
        if c == b'-' {
            pos += 1;
            c = self.at(pos);
        }
        let int_start = pos;
        if c == b'0' {
            pos += 1;
            c = self.at(pos);
        } else if c.is_ascii_digit() {
            loop {
                pos += 1;
                c = self.at(pos);
                if !c.is_ascii_digit() {
                    break;
                }
            }
        } else {
            return Err(NotJson);
        }
        let mut digits = pos - int_start;
        if c == b'.' {
            let frac_start = pos + 1;
            pos += 1;
            c = self.at(pos);
            if !c.is_ascii_digit() {
                return Err(NotJson);
            }
            loop {
                pos += 1;
                c = self.at(pos);
                if !c.is_ascii_digit() {
                    break;
                }
            }
            digits += pos - frac_start;
            if self.at(pos - 1) == b'0' || (digits - (pos - frac_start) == 1 && self.at(int_start) == b'0' && self.zeros(frac_start, 6)) {
                plain = false;
            }
        } else if digits == 1 && self.at(int_start) == b'0' && int_start > start {
            plain = false; // -0
        }
        if c == b'e' || c == b'E' {
            plain = false;
            pos += 1;
            c = self.at(pos);
            if c == b'+' || c == b'-' {
                pos += 1;
                c = self.at(pos);
            }
            if !c.is_ascii_digit() {
                return Err(NotJson);
            }
            loop {
                pos += 1;
                if !self.at(pos).is_ascii_digit() {
                    break;
                }
            }
        }
        self.kind = if plain && digits <= 15 { PLAIN_NUMBER } else { NUMBER };
        Ok(pos)
    }

    unsafe fn zeros(&self, from: usize, count: usize) -> bool {
        (from..from + count).all(|i| self.at(i) == b'0')
    }

    #[inline(always)]
    unsafe fn literal(&mut self, p: usize, word: &[u8], kind: u8) -> R<usize> {
        for (k, &w) in word.iter().enumerate() {
            if self.at(p + k) != w {
                return Err(NotJson);
            }
        }
        self.kind = kind;
        Ok(p + word.len())
    }

    /// The string at `start` (its opening quote): where it ends, past the closing quote; `escaped` set.
    #[inline(always)]
    unsafe fn string(&mut self, start: usize) -> R<usize> {
        let mut pos = start + 1;
        let quote = u8x16_splat(b'"');
        let backslash = u8x16_splat(b'\\');
        let control = u8x16_splat(0x20);
        self.escaped = false;
        loop {
            // 16 bytes at a time while none is a quote, a backslash or a control character (the zero byte after
            // the body is one). Bytes ≥ 0x80 are plain: the body is valid UTF-8 (the caller checks).
            loop {
                let v = v128_load(self.b.add(pos) as *const v128);
                let special = v128_or(v128_or(u8x16_eq(v, quote), u8x16_eq(v, backslash)), u8x16_lt(v, control));
                let mask = i8x16_bitmask(special);
                if mask != 0 {
                    pos += mask.trailing_zeros() as usize;
                    break;
                }
                pos += 16;
            }
            let c = self.at(pos);
            if c == b'"' {
                return Ok(pos + 1);
            }
            if c < 0x20 {
                return Err(NotJson);
            }
            // A backslash.
            self.escaped = true;
            let e = self.at(pos + 1);
            if e == b'u' {
                for i in pos + 2..pos + 6 {
                    if !self.at(i).is_ascii_hexdigit() {
                        return Err(NotJson);
                    }
                }
                pos += 6;
            } else if matches!(e, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') {
                pos += 2;
            } else {
                return Err(NotJson);
            }
        }
    }

    /// Any value at `start`, validated and passed over (one loop with a stack of open containers).
    unsafe fn skip_value(&mut self, start: usize) -> R<usize> {
        let escaped = self.escaped;
        let mut depth = 0usize;
        let mut pos = start;
        'value: loop {
            match self.at(pos) {
                b'"' => pos = self.string(pos)?,
                b'{' | b'[' => {
                    let open = self.at(pos);
                    if depth == MAX_DEPTH {
                        return Err(NotJson);
                    }
                    STACK[depth] = open;
                    depth += 1;
                    pos = self.ws(pos + 1);
                    if self.at(pos) == if open == b'{' { b'}' } else { b']' } {
                        depth -= 1;
                        pos += 1;
                    } else {
                        if open == b'{' {
                            pos = self.member_key(pos)?;
                        }
                        continue 'value;
                    }
                }
                _ => pos = self.scalar(pos)?,
            }
            loop {
                if depth == 0 {
                    self.escaped = escaped;
                    return Ok(pos);
                }
                pos = self.ws(pos);
                let c = self.at(pos);
                let open = STACK[depth - 1];
                if c == b',' {
                    pos = self.ws(pos + 1);
                    if open == b'{' {
                        pos = self.member_key(pos)?;
                    }
                    continue 'value;
                }
                if (open == b'{' && c == b'}') || (open == b'[' && c == b']') {
                    depth -= 1;
                    pos += 1;
                    continue;
                }
                return Err(NotJson);
            }
        }
    }

    /// A member's key and colon inside a skipped object: where its value starts.
    unsafe fn member_key(&mut self, pos: usize) -> R<usize> {
        if self.at(pos) != b'"' {
            return Err(NotJson);
        }
        let end = self.string(pos)?;
        let pos = self.ws(end);
        if self.at(pos) != b':' {
            return Err(NotJson);
        }
        Ok(self.ws(pos + 1))
    }
}
