//! The engine's JSON check in WebAssembly: whether a message is exactly one JSON value (RFC 8259, as JSON.parse
//! accepts it), as the JavaScript check in engine/src/jsonCheck.ts decides it — the same grammar, the same depth
//! limit. The caller copies the message, without surrounding whitespace, to `input()` and calls `check(len)`; UTF-8
//! validity is left to it.
//!
//! Why it is fast: one loop with an explicit stack instead of recursive descent, no bounds check per byte (a zero
//! byte is written after the message, and no JSON token continues through a zero byte, so every scan stops there),
//! and string contents — most of a message's bytes — scanned 16 bytes at a time (SIMD).

#![no_std]

use core::arch::wasm32::*;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The longest message checked here; longer ones are checked in JavaScript.
const CAPACITY: usize = 1 << 20;
/// After the message: the zero byte that ends every scan, and room for a 16-byte load that starts before it.
static mut INPUT: [u8; CAPACITY + 32] = [0; CAPACITY + 32];
/// As JSON.parse's recursion in practice, and the JavaScript check: containers nested deeper are left to JSON.parse.
const MAX_DEPTH: usize = 512;
static mut STACK: [u8; MAX_DEPTH + 1] = [0; MAX_DEPTH + 1];

const OBJECT: u8 = 1;
const ARRAY: u8 = 2;

#[no_mangle]
pub extern "C" fn input() -> *mut u8 {
    unsafe { core::ptr::addr_of_mut!(INPUT) as *mut u8 }
}

#[no_mangle]
pub extern "C" fn capacity() -> u32 {
    CAPACITY as u32
}

/// -1: not exactly one JSON value; 0: one, in ASCII; 1: one, with bytes ≥ 0x80 (the caller checks UTF-8).
#[no_mangle]
pub extern "C" fn check(len: u32) -> i32 {
    let len = len as usize;
    if len == 0 || len > CAPACITY {
        return -1;
    }
    unsafe {
        let b = input();
        *b.add(len) = 0;
        let stack = core::ptr::addr_of_mut!(STACK) as *mut u8;
        match scan(b, stack) {
            Some((end, high)) if end == len => high as i32,
            _ => -1,
        }
    }
}

#[inline(always)]
unsafe fn at(b: *const u8, i: usize) -> u8 {
    *b.add(i)
}

#[inline(always)]
unsafe fn space(b: *const u8, mut i: usize) -> usize {
    while matches!(at(b, i), b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// Where the value at 0 ends, and whether a string held bytes ≥ 0x80.
unsafe fn scan(b: *const u8, stack: *mut u8) -> Option<(usize, bool)> {
    let mut high = false;
    let mut depth = 0usize;
    let mut i = 0usize;
    'value: loop {
        // A value starts at i (whitespace before it already skipped).
        match at(b, i) {
            open @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return None;
                }
                let (kind, close) = if open == b'{' { (OBJECT, b'}') } else { (ARRAY, b']') };
                *stack.add(depth) = kind;
                depth += 1;
                i = space(b, i + 1);
                if at(b, i) == close {
                    depth -= 1;
                    i += 1;
                } else {
                    if kind == OBJECT {
                        i = key(b, i, &mut high)?;
                    }
                    continue 'value;
                }
            }
            b'"' => i = string(b, i, &mut high)?,
            b't' => i = literal(b, i, b"true")?,
            b'f' => i = literal(b, i, b"false")?,
            b'n' => i = literal(b, i, b"null")?,
            _ => i = number(b, i)?,
        }
        // After a value: the end of the document, or what its container takes next.
        loop {
            if depth == 0 {
                return Some((i, high));
            }
            i = space(b, i);
            let c = at(b, i);
            let container = *stack.add(depth - 1);
            if c == b',' {
                i = space(b, i + 1);
                if container == OBJECT {
                    i = key(b, i, &mut high)?;
                }
                continue 'value;
            }
            if (container == OBJECT && c == b'}') || (container == ARRAY && c == b']') {
                depth -= 1;
                i += 1;
                continue;
            }
            return None;
        }
    }
}

/// A key, its colon and the whitespace after it: where its value starts.
#[inline(always)]
unsafe fn key(b: *const u8, i: usize, high: &mut bool) -> Option<usize> {
    if at(b, i) != b'"' {
        return None;
    }
    let i = space(b, string(b, i, high)?);
    if at(b, i) != b':' {
        return None;
    }
    Some(space(b, i + 1))
}

/// The string at i (its opening quote): where it ends, past the closing quote.
#[inline(always)]
unsafe fn string(b: *const u8, i: usize, high: &mut bool) -> Option<usize> {
    let mut i = i + 1;
    let quote = u8x16_splat(b'"');
    let backslash = u8x16_splat(b'\\');
    let control = u8x16_splat(0x20);
    loop {
        // 16 bytes at a time while none is special: a quote, a backslash, a control character (the zero byte after
        // the message is one) or a byte ≥ 0x80.
        loop {
            let v = v128_load(b.add(i) as *const v128);
            let special = v128_or(v128_or(u8x16_eq(v, quote), u8x16_eq(v, backslash)), v128_or(u8x16_lt(v, control), i8x16_lt(v, i8x16_splat(0))));
            let mask = i8x16_bitmask(special);
            if mask != 0 {
                i += mask.trailing_zeros() as usize;
                break;
            }
            i += 16;
        }
        let c = at(b, i);
        if c == b'"' {
            return Some(i + 1);
        }
        if c < 0x20 {
            return None;
        }
        if c >= 0x80 {
            *high = true;
        } else {
            // A backslash: one of the escapes JSON has.
            i += 1;
            match at(b, i) {
                b'u' => {
                    for k in 1..=4 {
                        if !at(b, i + k).is_ascii_hexdigit() {
                            return None;
                        }
                    }
                    i += 4;
                }
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                _ => return None,
            }
        }
        i += 1;
    }
}

#[inline(always)]
unsafe fn literal(b: *const u8, i: usize, word: &[u8]) -> Option<usize> {
    for (k, &w) in word.iter().enumerate() {
        if at(b, i + k) != w {
            return None;
        }
    }
    Some(i + word.len())
}

#[inline(always)]
unsafe fn digits(b: *const u8, mut i: usize) -> usize {
    while at(b, i).is_ascii_digit() {
        i += 1;
    }
    i
}

#[inline(always)]
unsafe fn number(b: *const u8, mut i: usize) -> Option<usize> {
    if at(b, i) == b'-' {
        i += 1;
    }
    match at(b, i) {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(b, i + 1),
        _ => return None,
    }
    if at(b, i) == b'.' {
        if !at(b, i + 1).is_ascii_digit() {
            return None;
        }
        i = digits(b, i + 1);
    }
    if matches!(at(b, i), b'e' | b'E') {
        i += 1;
        if matches!(at(b, i), b'+' | b'-') {
            i += 1;
        }
        if !at(b, i).is_ascii_digit() {
            return None;
        }
        i = digits(b, i);
    }
    Some(i)
}
