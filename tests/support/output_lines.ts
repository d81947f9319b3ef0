/**
 * A subprocess's output read line by line as it comes, so that a test acts once the process
 * has said it is ready (its first line, a line naming the card it saw) instead of after a
 * fixed time, and still has the whole text at the end.
 *
 * @module
 */

/** See the module comment. */
export class OutputLines {
  readonly #lines: string[] = [];
  #ended = false;
  #wake: (() => void) | null = null;
  readonly #done: Promise<string>;

  /** Starts reading `stream` to its end. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#done = this.#read(stream);
  }

  /**
   * Resolves with the first line from line `from` on that matches `pattern`; rejects when
   * the output ends without one, or after `timeoutMs`.
   */
  async line(pattern: RegExp, from = 0, timeoutMs = 10_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (let seen = from;;) {
      for (; seen < this.#lines.length; seen++) {
        if (pattern.test(this.#lines[seen])) return this.#lines[seen];
      }
      if (this.#ended) throw new Error(`the output ended without a line like ${pattern}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no line like ${pattern} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** The lines so far. */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** The whole output, once it has ended. */
  text(): Promise<string> {
    return this.#done;
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<string> {
    let text = "";
    let pending = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const parts = (pending + chunk).split("\n");
      pending = parts.pop()!;
      this.#lines.push(...parts);
      this.#wake?.();
    }
    if (pending) this.#lines.push(pending);
    this.#ended = true;
    this.#wake?.();
    return text;
  }
}
