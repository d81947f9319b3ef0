/**
 * C strings and PC/SC multi-strings (`"a\\0b\\0\\0"`), as UTF-8.
 *
 * pcsc-lite and macOS speak UTF-8; on Windows the `A` entry points speak the ANSI code page,
 * which agrees with UTF-8 for the ASCII names readers have in practice.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a C string: UTF-8 and a NUL. */
export function encodeCString(text: string): Uint8Array {
  return encoder.encode(text + "\0");
}

/** Decodes a C string held in `bytes` up to its first NUL. */
export function decodeCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Decodes a multi-string (`"a\0b\0\0"`) into its parts; a lone `"\0"` is an empty list. */
export function decodeMultiString(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i === start) break;
    out.push(decoder.decode(bytes.subarray(start, i)));
    start = i + 1;
  }
  return out;
}

/** Encodes strings as a multi-string, ending in two NULs. */
export function encodeMultiString(parts: readonly string[]): Uint8Array {
  return encoder.encode(parts.map((p) => p + "\0").join("") + "\0");
}
