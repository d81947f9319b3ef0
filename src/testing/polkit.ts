/**
 * Whether pcscd asks polkit about its clients. pcsc-lite 2.x does unless told
 * `--disable-polkit`, and with no D-Bus system bus to ask (a container, CI) it
 * then turns every client away with "Access denied"; pcscd 1.9 has no polkit
 * and exits with its usage on the unknown flag. So the flag is passed only
 * where the daemon offers it, and the refusal test runs only there.
 *
 * @module
 */

import { run } from "./command.ts";
import { which } from "./installed.ts";

let polkitSwitch: Promise<boolean> | undefined;

/** Whether the machine's pcscd asks polkit about its clients unless told not to (pcsc-lite 2.x). */
export async function pcscdHasPolkit(): Promise<boolean> {
  const pcscd = await which("pcscd");
  return pcscd !== undefined && (await disablePolkit(pcscd)).length > 0;
}

/** `--disable-polkit` where this pcscd offers it, else nothing; asked once per process. */
export async function disablePolkit(pcscd: string): Promise<string[]> {
  polkitSwitch ??= run(pcscd, ["--help"]).then((help) =>
    /--disable-polkit\b/.test(help.stdout + help.stderr)
  );
  return await polkitSwitch ? ["--disable-polkit"] : [];
}
