/**
 * The C baseline: `bench/transmit_loop.c`, compiled at bench time against the
 * system's libpcsclite, so that the Deno figures are compared with the same
 * pcscd, card and machine state rather than with a number from elsewhere.
 *
 * @module
 */

import { run } from "../src/testing/command.ts";
import { which } from "../src/testing/installed.ts";

/** A compiled `transmit_loop`, or why there is none (one line). */
export type CLoopBuild = { readonly binary: string } | { readonly unavailable: string };

/** One timed run of the C loop. */
export interface CLoopRun {
  /** The command APDU sent on every iteration. */
  readonly apdu: readonly number[];
  /** The response length (data + SW) every iteration must get. */
  readonly expectedLength: number;
  /** Timed iterations. */
  readonly count: number;
  /** Untimed iterations first, as the Deno runs have. */
  readonly warmup: number;
}

/**
 * Compiles `transmit_loop.c` into `outDir` with `cc` and the flags pkg-config
 * gives for libpcsclite. Never throws for a missing toolchain: the bench then
 * reports the Deno figures alone.
 */
export function buildCLoop(outDir: string): Promise<CLoopBuild> {
  return buildProgram("transmit_loop", outDir);
}

/** Compiles `bench/NAME.c` against libpcsclite into `outDir/NAME`; see {@link buildCLoop}. */
export async function buildProgram(name: string, outDir: string): Promise<CLoopBuild> {
  const cc = await which("cc") ?? await which("gcc");
  if (cc === undefined) return { unavailable: "no C compiler (cc) on PATH" };
  const pkgConfig = await which("pkg-config");
  if (pkgConfig === undefined) return { unavailable: "no pkg-config to find libpcsclite-dev" };
  const flags = await run(pkgConfig, ["--cflags", "--libs", "libpcsclite"]);
  if (!flags.ok) {
    return { unavailable: "libpcsclite-dev is not installed (pkg-config libpcsclite)" };
  }
  const binary = `${outDir}/${name}`;
  const source = new URL(`./${name}.c`, import.meta.url).pathname;
  // The source comes first so that -lpcsclite follows the object needing it.
  const args = ["-O2", "-o", binary, source, ...flags.stdout.trim().split(/\s+/)];
  const built = await run(cc, args);
  if (!built.ok) {
    const first = built.stderr.trim().split("\n")[0] ?? "";
    return { unavailable: `cc failed to build bench/${name}.c: ${first}` };
  }
  return { binary };
}

/**
 * A running `transmit_loop`, connected to one reader, timing runs on demand.
 * Dispose it to end the process (it is killed if it does not exit at once).
 */
export class CLoop implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  readonly #stderr: Promise<string>;
  #closed = false;

  /** Starts `binary` on `reader`; it connects before serving the first run. */
  constructor(binary: string, reader: string) {
    this.#child = new Deno.Command(binary, {
      args: [reader],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#lines = readLines(this.#child.stdout)[Symbol.asyncIterator]();
    this.#stderr = new Response(this.#child.stderr).text();
  }

  /**
   * Times one run; resolves to its µs per APDU. Throws with the program's
   * stderr when it fails, and kills it when `timeoutMs` passes or `signal`
   * aborts first.
   */
  async run(run: CLoopRun, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const hex = run.apdu.map((b) => b.toString(16).padStart(2, "0")).join("");
    const request = `${run.count} ${run.warmup} ${hex} ${run.expectedLength}\n`;
    signal?.throwIfAborted();
    const stop = Promise.withResolvers<never>();
    const timer = setTimeout(
      () => stop.reject(new Error(`no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => stop.reject(signal?.reason);
    signal?.addEventListener("abort", onAbort);
    try {
      // Inside the try: a dead process makes the write fail (broken pipe).
      await this.#stdin.write(new TextEncoder().encode(request));
      const line = await Promise.race([this.#lines.next(), stop.promise]);
      const us = line.done ? NaN : Number(line.value);
      if (Number.isFinite(us) && us > 0) return us;
      throw new Error(line.done ? "it exited" : `it printed ${JSON.stringify(line.value)}`);
    } catch (error) {
      this.#kill();
      const { code, signal: killedBy } = await this.#child.status;
      const stderr = (await this.#stderr).trim();
      const how = killedBy ? `killed by ${killedBy}` : `exit code ${code}`;
      const why = `${error instanceof Error ? error.message : String(error)} (${how})`;
      throw new Error(`transmit_loop failed: ${stderr || why}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Ends the program: end of stdin, then SIGKILL if it is still there after a second. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#stdin.close().catch(() => {});
    }
    const exited = this.#child.status.then(() => true);
    const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000));
    if (!await Promise.race([exited, late])) this.#kill();
    await this.#child.status;
    await this.#stderr;
  }

  #kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already exited
    }
  }
}

/** The lines of a text stream, as they come. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + text).split("\n");
    pending = lines.pop()!;
    yield* lines;
  }
  if (pending) yield pending;
}
