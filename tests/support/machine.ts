/**
 * Getting a machine ready for the private PC/SC stack, shared by the test runner, the demo
 * and the bench: the Debian packages, and the cleanup of what a run left behind.
 *
 * @module
 */

import { run } from "./command.ts";
import { which } from "./installed.ts";

/**
 * The Debian packages of the stack: the daemon, its client library, the virtual reader
 * driver, `ip` for the quick-ACK route, the headers for the C layout test and bench, and
 * pcsc-tools for its list of ATRs and the `ATR_analysis` that naming cards is checked against.
 */
export const PACKAGES: readonly string[] = [
  "pcscd",
  "libpcsclite1",
  "vsmartcard-vpcd",
  "iproute2",
  "libpcsclite-dev",
  "pcsc-tools",
];

/** No debconf prompt: stdin is closed, and a question would end the install. */
const APT_ENV = { DEBIAN_FRONTEND: "noninteractive" };

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
    const status = await run("dpkg-query", ["-W", "-f=${Status}", name], { env: APT_ENV });
    if (!status.stdout.includes("install ok installed")) missing.push(name);
  }
  if (missing.length === 0) return true;
  console.log(`installing ${missing.join(" ")} with apt-get...`);
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    const result = await run("apt-get", args, { env: APT_ENV });
    if (!result.ok) {
      const last = (result.stdout + result.stderr).trim().split("\n").at(-1) ?? "";
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
