/**
 * What the virtual stack needs from the machine, and the error that says what is missing.
 * The checks read the machine through {@link StackProbes}, so that a test can run them
 * against a machine made up for it.
 *
 * @module
 */

import { hasLibPcscLite, isFile, which } from "./installed.ts";

/** The vpcd driver that Debian's vsmartcard-vpcd installs. */
export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

/**
 * One thing the virtual stack needs: the operating system (`"Linux"`), the user (`"root"`,
 * for the daemon's private mount namespace), or a Debian package by its name.
 */
export type Requirement =
  | "Linux"
  | "root"
  | "pcscd"
  | "vsmartcard-vpcd"
  | "libpcsclite1"
  | "util-linux"
  | "mount";

/** How {@link missingRequirements} looks at the machine; each defaults to the real one. */
export interface StackProbes {
  /** The operating system, as `Deno.build.os` names it. */
  readonly os: string;
  /** The user id, as `Deno.uid()` gives it (`null` where there is none, as on Windows). */
  readonly uid: number | null;
  /** The absolute path of a command (in `PATH` or the sbin folders), or undefined. */
  readonly which: (command: string) => Promise<string | undefined>;
  /** Whether `path` is a regular file. */
  readonly isFile: (path: string) => Promise<boolean>;
  /** Whether libpcsclite.so.1 (Debian's libpcsclite1) is installed. */
  readonly hasLibPcscLite: () => Promise<boolean>;
}

const MACHINE: StackProbes = {
  os: Deno.build.os,
  get uid(): number | null {
    return Deno.uid();
  },
  which,
  isFile,
  hasLibPcscLite,
};

/**
 * What this machine lacks to run the virtual stack, in a fixed order; empty when nothing is
 * missing. Needs `--allow-read` and `--allow-env` (PATH); installs nothing.
 *
 * ```ts
 * const missing = await missingRequirements();
 * Deno.test({ name: "my card", ignore: missing.length > 0, fn: async () => {} });
 * ```
 *
 * @param probes replaces some of the real looks at the machine (for tests of the check)
 */
export async function missingRequirements(
  probes: Partial<StackProbes> = {},
): Promise<Requirement[]> {
  const probe: StackProbes = { ...MACHINE, ...probes };
  if (probe.os !== "linux") return ["Linux"];
  const missing: Requirement[] = [];
  if (probe.uid !== 0) missing.push("root");
  if (!await probe.which("pcscd")) missing.push("pcscd");
  if (!await probe.isFile(VPCD_DRIVER)) missing.push("vsmartcard-vpcd");
  if (!await probe.hasLibPcscLite()) missing.push("libpcsclite1");
  if (!await probe.which("unshare")) missing.push("util-linux");
  if (!await probe.which("mount")) missing.push("mount");
  return missing;
}

/**
 * The virtual stack cannot run on this machine: {@link missing} lists why, and the message
 * says it in one line, with the `apt install` command for the missing packages.
 * {@link startVirtualStack} throws it before it changes anything.
 */
export class StackUnavailableError extends Error {
  /** What is missing, as {@link missingRequirements} found it; never empty. */
  readonly missing: readonly Requirement[];

  /**
   * Makes the error for what is missing.
   * @param missing what {@link missingRequirements} found
   * @param os the operating system, named in the message when `"Linux"` is missing
   */
  constructor(missing: readonly Requirement[], os: string = Deno.build.os) {
    super(describeMissing(missing, os));
    this.name = "StackUnavailableError";
    this.missing = Object.freeze([...missing]);
  }
}

function describeMissing(missing: readonly Requirement[], os: string): string {
  const why: string[] = [];
  if (missing.includes("Linux")) why.push(`it needs Linux (this is ${os})`);
  if (missing.includes("root")) {
    why.push("it needs root (pcscd runs in a private mount namespace)");
  }
  const packages = missing.filter((m) => m !== "Linux" && m !== "root");
  if (packages.length > 0) {
    why.push(
      `missing ${packages.join(", ")} (install with \`apt install ${packages.join(" ")}\`)`,
    );
  }
  return `the virtual PC/SC stack cannot run here: ${why.join("; ")}`;
}
