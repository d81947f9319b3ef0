/**
 * The test command (`deno task test [deno test args...]`).
 *
 * Prepares what the integration tests need (Debian packages, the quick-ACK
 * route, a private PCSC_TEST_DIR), runs `deno test --allow-all` with the given
 * arguments, cleans up whatever daemons the tests left (and the quick-ACK route
 * when this run added it), and ends with one line
 * `N passed, N failed[, N skipped]` and deno test's exit code.
 *
 * @module
 */

import { cleanUp, prepareMachine } from "./support/machine.ts";
import { ensureQuickAckRoute, removeQuickAckRoute } from "./support/quick_ack.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** What deno test's closing line said. */
interface Summary {
  passed: number;
  failed: number;
  ignored: number;
}

/** The deno test child, to pass signals on to. */
let tests: Deno.ChildProcess | undefined;
let interrupted = false;

async function main(): Promise<number> {
  // Ctrl-C reaches deno test too (same process group); this process must
  // outlive it to clean up. A SIGTERM (CI timeout) is passed on.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      interrupted = true;
      try {
        tests?.kill(signal);
      } catch {
        // already exited
      }
    });
  }
  const canPrepare = await prepareMachine();
  const dir = await Deno.makeTempDir({ prefix: "pcsc-test-" });
  let routeAdded = false;
  try {
    if (interrupted) return 130;
    if (canPrepare) {
      const { added, why } = await ensureQuickAckRoute();
      routeAdded = added;
      if (why) console.log(`note: cards use 127.0.0.1, ~40 ms per APDU: ${why}`);
    }
    // prepareMachine has said why the integration tests skip: they need not say it again.
    const { code, summary } = await runDenoTest(dir, Deno.args, !canPrepare);
    if (summary === undefined) {
      console.log(`deno test printed no summary (exit code ${code})`);
      console.log("0 passed, 0 failed");
      return code === 0 ? 1 : code;
    }
    const { passed, failed, ignored } = summary;
    console.log(`${passed} passed, ${failed} failed${ignored > 0 ? `, ${ignored} skipped` : ""}`);
    if (code === 0 && passed + failed === 0) {
      console.log("no test ran");
      return 1;
    }
    return code;
  } finally {
    await cleanUp(dir);
    if (routeAdded) await removeQuickAckRoute();
  }
}

/** Runs deno test, printing its output as it comes and reading its summary line. */
async function runDenoTest(
  dir: string,
  args: string[],
  skipNoted: boolean,
): Promise<{ code: number; summary?: Summary }> {
  const env: Record<string, string> = {
    PCSC_TEST_DIR: dir,
    PCSCLITE_CSOCK_NAME: `${dir}/run/pcscd.comm`,
  };
  // Read by the integration tests, which print their skip reason only when nothing has yet.
  if (skipNoted) env.PCSC_TEST_SKIP_NOTED = "1";
  // Piped output would lose deno's colours.
  if (Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR")) env.FORCE_COLOR = "1";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", ...args],
    cwd: ROOT,
    env,
    stdin: "inherit",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  tests = child;

  let summary: Summary | undefined;
  const scan = (line: string): void => {
    summary = parseSummary(line) ?? summary;
  };
  await Promise.all([
    tee(child.stdout, Deno.stdout, scan),
    tee(child.stderr, Deno.stderr, scan),
  ]);
  const { code } = await child.status;
  return { code, summary };
}

async function tee(
  from: ReadableStream<Uint8Array>,
  to: { writeSync(bytes: Uint8Array): number },
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of from) {
    for (let written = 0; written < chunk.length;) {
      written += to.writeSync(chunk.subarray(written));
    }
    const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
    pending = lines.pop()!;
    lines.forEach(onLine);
  }
  onLine(pending + decoder.decode());
}

/** Reads `ok | 12 passed (3 steps) | 0 failed | 2 ignored (3s)` or its FAILED twin. */
function parseSummary(line: string): Summary | undefined {
  // deno-lint-ignore no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "").trim();
  if (!/^(ok|FAILED) \| \d+ passed/.test(plain)) return undefined;
  const count = (what: string): number =>
    Number(new RegExp(`(\\d+) ${what}`).exec(plain)?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed"), ignored: count("ignored") };
}

if (import.meta.main) Deno.exit(await main());
