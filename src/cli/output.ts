/**
 * How the card utility writes: plain text where the output is a file or a pipe, colour where
 * it is a terminal, one JSON object per line with --json.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Where the utility writes, and how. */
export class Output {
  /** Whether stdout is a terminal (and NO_COLOR is unset): colour and live lines then. */
  readonly tty: boolean;
  /** Whether --json was given. */
  readonly json: boolean;

  /**
   * Creates an `Output`.
   * @param json --json: objects, one a line, instead of text
   */
  constructor(json: boolean) {
    this.json = json;
    this.tty = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  }

  /** A line of text (ignored with --json). */
  line(text = ""): void {
    if (!this.json) this.#write(`${text}\n`);
  }

  /** An object as one line of JSON (only with --json). */
  object(value: unknown): void {
    if (this.json) this.#write(`${JSON.stringify(value)}\n`);
  }

  /** `text` in green (a success, something added), where colour is on. */
  good(text: string): string {
    return this.tty ? `\x1b[32m${text}\x1b[0m` : text;
  }

  /** `text` in red (a failure, something removed), where colour is on. */
  bad(text: string): string {
    return this.tty ? `\x1b[31m${text}\x1b[0m` : text;
  }

  /** `text` dimmed (a time stamp), where colour is on. */
  dim(text: string): string {
    return this.tty ? `\x1b[2m${text}\x1b[0m` : text;
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  }
}

/** Bytes as `3B 02 14 50`. */
export function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/** Hex text (blanks, colons and a 0x prefix allowed) as bytes; throws a RangeError naming it. */
export function parseHex(text: string, what: string): number[] {
  const clean = text.replace(/^0x/i, "").replace(/[\s:]/g, "");
  if (clean.length === 0 || clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) {
    throw new RangeError(`${what} is not hex bytes: ${JSON.stringify(text)}`);
  }
  return Array.from(
    { length: clean.length / 2 },
    (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16),
  );
}
