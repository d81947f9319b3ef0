/**
 * The test command (`deno task test [deno test args...]`).
 *
 * Prepares what the integration tests need (Debian packages, the quick-ACK
 * route, a private PCSC_TEST_DIR), runs `deno test --allow-all` with the given
 * arguments, cleans up whatever daemons the tests left, and ends with one line
 * `N passed, N failed[, N skipped]` and deno test's exit code.
 *
 * @module
 */

import { ensureQuickAckRoute, which } from "./support/stack.ts";

const PACKAGES = ["pcscd", "libpcsclite1", "vsmartcard-vpcd", "iproute2"];
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
  try {
    if (interrupted) return 130;
    if (canPrepare) {
      const { why } = await ensureQuickAckRoute();
      if (why) console.log(`note: cards use 127.0.0.1, ~40 ms per APDU: ${why}`);
    }
    const { code, summary } = await runDenoTest(dir, Deno.args);
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
  }
}

/**
 * Installs the missing packages when it can. Returns whether this machine can
 * run the integration tests' daemon at all; when not, says why in one line.
 */
async function prepareMachine(): Promise<boolean> {
  const skipping = "integration tests will be skipped:";
  if (Deno.build.os !== "linux") {
    console.log(`${skipping} they need Linux (this is ${Deno.build.os})`);
    return false;
  }
  if (Deno.uid() !== 0) {
    console.log(`${skipping} they need root (a private pcscd in its own mount namespace)`);
    return false;
  }
  if (!await which("dpkg-query") || !await which("apt-get")) {
    console.log(`${skipping} no apt-get/dpkg here to install ${PACKAGES.join(" ")}`);
    return false;
  }
  const missing = [];
  for (const name of PACKAGES) {
    const status = await quiet("dpkg-query", ["-W", "-f=${Status}", name]);
    if (!status.stdout.includes("install ok installed")) missing.push(name);
  }
  if (missing.length === 0) return true;
  console.log(`installing ${missing.join(" ")} with apt-get...`);
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    const result = await quiet("apt-get", args);
    if (!result.ok) {
      const last = result.output.trim().split("\n").at(-1) ?? "";
      console.log(`${skipping} apt-get ${args[0]} failed: ${last}`);
      return false;
    }
  }
  return true;
}

/** Runs deno test, printing its output as it comes and reading its summary line. */
async function runDenoTest(
  dir: string,
  args: string[],
): Promise<{ code: number; summary?: Summary }> {
  const env: Record<string, string> = {
    PCSC_TEST_DIR: dir,
    PCSCLITE_CSOCK_NAME: `${dir}/run/pcscd.comm`,
  };
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

/** Kills the daemons the tests left (a crash, a Ctrl-C) and removes the folder. */
async function cleanUp(dir: string): Promise<void> {
  const pids = await Array.fromAsync(Deno.readDir(`${dir}/pids`)).catch(() => []);
  for (const { name } of pids) {
    const pid = Number(name);
    const comm = await Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "");
    // Only if that pid is still a pcscd, not a process that reused the number.
    if (Number.isInteger(pid) && comm.trim() === "pcscd") {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

async function quiet(
  command: string,
  args: string[],
): Promise<{ ok: boolean; stdout: string; output: string }> {
  const output = await new Deno.Command(await which(command) ?? command, {
    args,
    stdin: "null",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output().catch(() => undefined);
  const decoder = new TextDecoder();
  const stdout = output ? decoder.decode(output.stdout) : "";
  return {
    ok: output?.success ?? false,
    stdout,
    output: stdout + (output ? decoder.decode(output.stderr) : `${command} could not run`),
  };
}

if (import.meta.main) Deno.exit(await main());
