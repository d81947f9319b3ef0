/**
 * The WebIDL conversions the Web Smart Card API's arguments go through in a browser, before
 * any method step runs: a wrong type is a `TypeError` naming the argument, as there.
 *
 * @module
 */

/** `DOMString`: anything but a symbol, as a string. */
export function toDOMString(value: unknown, what: string): string {
  if (typeof value === "symbol") throw new TypeError(`${what}: a symbol is not a string`);
  return String(value);
}

/** A WebIDL enum: the string must be one of `values`. */
export function toEnum<T extends string>(
  value: unknown,
  values: readonly T[],
  enumName: string,
  what: string,
): T {
  const text = toDOMString(value, what);
  if (!(values as readonly string[]).includes(text)) {
    throw new TypeError(`${what}: '${text}' is not a valid value of enum ${enumName}`);
  }
  return text as T;
}

/** ToNumber, which refuses symbols and bigints as WebIDL does. */
function toNumber(value: unknown, what: string): number {
  if (typeof value === "symbol" || typeof value === "bigint") {
    throw new TypeError(`${what}: a ${typeof value} is not a number`);
  }
  return Number(value);
}

/** `[EnforceRange] unsigned long`: a finite number, truncated, within 0..2^32-1. */
export function toEnforcedUnsignedLong(value: unknown, what: string): number {
  const n = toNumber(value, what);
  if (!Number.isFinite(n)) throw new TypeError(`${what}: ${n} is not a finite number`);
  const integer = Math.trunc(n) + 0; // + 0 turns -0 into 0
  if (integer < 0 || integer > 0xFFFF_FFFF) {
    throw new TypeError(`${what}: ${integer} is outside the range of an unsigned long`);
  }
  return integer;
}

/** `unsigned long` without [EnforceRange]: NaN and infinities are 0, the rest taken modulo 2^32. */
export function toUnsignedLong(value: unknown, what: string): number {
  const n = toNumber(value, what);
  if (!Number.isFinite(n)) return 0;
  return Math.trunc(n) >>> 0;
}

/** `double` (restricted): a finite number. */
export function toDouble(value: unknown, what: string): number {
  const n = toNumber(value, what);
  if (!Number.isFinite(n)) throw new TypeError(`${what}: ${n} is not a finite number`);
  return n;
}

/** `boolean`: JavaScript truthiness. */
export function toBoolean(value: unknown): boolean {
  return Boolean(value);
}

/** A dictionary: undefined and null are the empty one; other primitives are refused. */
export function toDictionary(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" && typeof value !== "function") {
    throw new TypeError(`${what}: a ${typeof value} is not a dictionary`);
  }
  return value as Record<string, unknown>;
}

/** A required dictionary member: missing (undefined) is a `TypeError`. */
export function required(dictionary: Record<string, unknown>, key: string, what: string): unknown {
  const value = dictionary[key];
  if (value === undefined) throw new TypeError(`${what}: required member ${key} is missing`);
  return value;
}

/** `sequence<T>`: an iterable object (not a string), each element converted by `convert`. */
export function toSequence<T>(
  value: unknown,
  what: string,
  convert: (element: unknown, what: string) => T,
): T[] {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    throw new TypeError(`${what}: a ${value === null ? "null" : typeof value} is not a sequence`);
  }
  const iterator = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iterator !== "function") throw new TypeError(`${what}: not iterable`);
  const out: T[] = [];
  let i = 0;
  for (const element of value as Iterable<unknown>) out.push(convert(element, `${what}[${i++}]`));
  return out;
}

/**
 * `BufferSource`: an ArrayBuffer or a view of one, as a view of the same bytes (the caller
 * copies them). Shared and resizable buffers are refused, as WebIDL refuses them without
 * [AllowShared] and [AllowResizable].
 */
export function toBufferSource(value: unknown, what: string): Uint8Array {
  let buffer: ArrayBufferLike;
  let view: Uint8Array;
  if (value instanceof ArrayBuffer) {
    buffer = value;
    view = new Uint8Array(value);
  } else if (ArrayBuffer.isView(value)) {
    buffer = value.buffer;
    view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } else {
    throw new TypeError(`${what}: not an ArrayBuffer or ArrayBufferView`);
  }
  if (!(buffer instanceof ArrayBuffer)) {
    throw new TypeError(`${what}: a SharedArrayBuffer is not allowed`);
  }
  if (buffer.resizable) throw new TypeError(`${what}: a resizable ArrayBuffer is not allowed`);
  return view;
}

/** An `AbortSignal`. */
export function toAbortSignal(value: unknown, what: string): AbortSignal {
  if (!(value instanceof AbortSignal)) throw new TypeError(`${what}: not an AbortSignal`);
  return value;
}

/** A callback function. */
export function toCallback<T extends (...args: never[]) => unknown>(
  value: unknown,
  what: string,
): T {
  if (typeof value !== "function") throw new TypeError(`${what}: not a function`);
  return value as T;
}
