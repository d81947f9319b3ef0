/**
 * Checking what callers pass before anything reaches a native call.
 *
 * @module
 */

/** What the API accepts wherever pyscard takes a `list[int]` of bytes. */
export type Bytes = readonly number[] | Uint8Array;

/**
 * Refuses anything but bytes: a `Uint8Array`, or an array of integers in 0..255, of at most
 * `maxLength` elements. One pass, no allocation, so it costs nothing noticeable per APDU.
 */
export function checkBytes(
  value: unknown,
  name: string,
  maxLength: number,
): asserts value is Bytes {
  if (value instanceof Uint8Array) {
    if (value.length > maxLength) tooLong(name, value.length, maxLength);
    return;
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${name} must be an array of bytes (number[] or Uint8Array), not ${describe(value)}`,
    );
  }
  if (value.length > maxLength) tooLong(name, value.length, maxLength);
  for (let i = 0; i < value.length; i++) {
    const b = value[i];
    // one comparison for the common case; the slow path explains what is wrong
    if (typeof b !== "number" || (b & 0xFF) !== b) badByte(name, i, b);
  }
}

/** Checks `value` as bytes and returns them as a `number[]` copy. */
export function toByteList(value: unknown, name: string, maxLength: number = Infinity): number[] {
  checkBytes(value, name, maxLength);
  return Array.from(value);
}

function tooLong(name: string, length: number, maxLength: number): never {
  throw new RangeError(`${name} is ${length} bytes long; at most ${maxLength} are allowed`);
}

function badByte(name: string, index: number, b: unknown): never {
  if (typeof b !== "number" || !Number.isInteger(b)) {
    throw new TypeError(`${name}[${index}] must be a byte (0..255), not ${describe(b)}`);
  }
  throw new RangeError(`${name}[${index}] must be a byte (0..255), not ${b}`);
}

/** Checks an integer argument in `min..max`. */
export function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be an integer, not ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be an integer in ${min}..${max} (0x${max.toString(16).toUpperCase()}), ` +
        `not ${value}`,
    );
  }
  return value;
}

/** A short description of a value for an error message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object") return withArticle(value.constructor?.name ?? "object");
  return `${typeof value} ${String(value)}`;
}

/** "a Map", "an Object", "an object": the article goes by the word's first letter. */
function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}
