/**
 * The domain part of an NFC Forum external type: checked and turned into ASCII (IDNA, by the
 * runtime's URL parser) for writing, and back into Unicode (Punycode, RFC 3492) for reading.
 *
 * @module
 */

const FORBIDDEN = /[ #%/:<>?@[\\\]^|]/;
const CONTROL = (s: string) =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** The domain as ASCII ("domain to ASCII"), or null where it is not a valid domain. */
export function domainToAscii(domain: string): string | null {
  if (domain === "" || FORBIDDEN.test(domain) || CONTROL(domain)) return null;
  let host: string;
  try {
    host = new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
  // an IP address is a host but not a domain
  if (host.startsWith("[") || /^[0-9.]+$/.test(host)) return null;
  return host;
}

/** The domain with each `xn--` label decoded; null where a label does not decode. */
export function domainToUnicode(domain: string): string | null {
  const labels = domain.split(".").map((label) =>
    /^xn--/i.test(label) ? punycodeDecode(label.slice(4).toLowerCase()) : label.toLowerCase()
  );
  return labels.includes(null) ? null : labels.join(".");
}

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  while (delta > ((BASE - T_MIN) * T_MAX) >> 1) {
    delta = Math.floor(delta / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + SKEW));
}

function digit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22; // 0-9 → 26-35
  if (c >= 0x61 && c <= 0x7a) return c - 0x61; // a-z → 0-25
  return BASE;
}

/** RFC 3492's decoding of one label's Punycode (without "xn--"); null when it is not one. */
function punycodeDecode(input: string): string | null {
  const output: number[] = [];
  const basic = input.lastIndexOf("-");
  for (let j = 0; j < Math.max(basic, 0); j++) {
    if (input.charCodeAt(j) >= 0x80) return null;
    output.push(input.charCodeAt(j));
  }
  let n = 128;
  let i = 0;
  let bias = 72;
  for (let at = basic > 0 ? basic + 1 : 0; at < input.length;) {
    const old = i;
    for (let w = 1, k = BASE;; k += BASE) {
      if (at >= input.length) return null;
      const d = digit(input.charCodeAt(at++));
      if (d >= BASE) return null;
      i += d * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
      if (i > 0x7fffffff) return null;
    }
    bias = adapt(i - old, output.length + 1, old === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return null;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}
