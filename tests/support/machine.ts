/**
 * Getting a machine ready for the private PC/SC stack, shared by the test runner, the demo
 * and the bench: the Debian packages, and the cleanup of what a run left behind.
 *
 * @module
 */

import { which } from "./stack.ts";

/**
 * The Debian packages of the stack: the daemon, its client library, the virtual reader
 * driver, `ip` for the quick-ACK route, and the headers for the C layout test and bench.
 */
export const PACKAGES: readonly string[] = [
  "pcscd",
  "libpcsclite1",
  "vsmartcard-vpcd",
  "iproute2",
  "libpcsclite-dev",
];

/**
 * Installs the missing packages when it can. Returns whether this machine can
 * run the integration tests' daemon at all; when not, says why in one line.
 */
export async function prepareMachine(): Promise<boolean> {
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

/** Kills the daemons the tests left (a crash, a Ctrl-C) and removes the folder. */
export async function cleanUp(dir: string): Promise<void> {
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
