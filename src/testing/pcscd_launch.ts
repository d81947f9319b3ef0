/**
 * Starting pcscd in a mount namespace of its own, where `<dir>/run` is bind-mounted on
 * /run/pcscd, so that it never meets the machine's pcscd; with vpcd's reader configuration.
 *
 * @module
 */

import { run } from "./command.ts";
import { which } from "./installed.ts";
import { disablePolkit } from "./polkit.ts";
import { VPCD_DRIVER } from "./requirements.ts";
import { newLogPath } from "./stack_folder.ts";

/** What {@link launchPcscd} starts. */
export interface LaunchOptions {
  /** The stack's folder. */
  readonly dir: string;
  /** vpcd's first TCP port (the second is the next one). */
  readonly port: number;
  /** false: no reader configuration at all. */
  readonly readers: boolean;
  /** true: leave the daemon asking polkit about its clients. */
  readonly polkit: boolean;
}

/**
 * Starts the daemon in the background; gives its pid and its new log file. It is not ready
 * yet (see `waitReady`), nor recorded (see `recordDaemon`).
 */
export async function launchPcscd(
  options: LaunchOptions,
): Promise<{ pid: number; logPath: string }> {
  const { dir } = options;
  const runDir = `${dir}/run`;
  const confDir = `${dir}/reader.conf.d`;
  await Deno.mkdir(runDir, { recursive: true });
  await Deno.mkdir(`${dir}/pids`, { recursive: true });
  // The bind mount needs its mount point; creating it on the host is harmless.
  await Deno.mkdir("/run/pcscd", { recursive: true });
  await Deno.remove(confDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(confDir);
  if (options.readers) await Deno.writeTextFile(`${confDir}/vpcd`, readerConf(options.port));
  const logPath = await newLogPath(dir);

  // Backgrounded by sh so that no Deno child process outlives the call that
  // started it (the resource sanitizer would fail the test); the pid file,
  // which names this process, lets a later stack or the project's runner
  // kill a daemon left behind by a crash.
  const [unshare, mount, pcscd] = await Promise.all(["unshare", "mount", "pcscd"].map(which));
  const polkit = options.polkit ? [] : await disablePolkit(pcscd!);
  const flags = ["--foreground", "--info", ...polkit].join(" ");
  const started = await run("sh", [
    "-c",
    `"$1" -m sh -c '"$1" --bind "$2" /run/pcscd && exec "$3" ${flags} -c "$4"' \
      pcscd "$2" "$3" "$4" "$5" >"$6" 2>&1 </dev/null & echo $!`,
    "sh",
    unshare!,
    mount!,
    runDir,
    pcscd!,
    confDir,
    logPath,
  ]);
  const pid = Number(started.stdout.trim());
  if (!started.ok || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`could not start pcscd: ${started.stderr.trim()}`);
  }
  return { pid, logPath };
}

/** vpcd's two slots on `port` and `port + 1`, named "Virtual PCD". */
function readerConf(port: number): string {
  const channel = `0x${port.toString(16).toUpperCase()}`;
  return [
    `FRIENDLYNAME "Virtual PCD"`,
    `DEVICENAME   /dev/null:${channel}`,
    `LIBPATH      ${VPCD_DRIVER}`,
    `CHANNELID    ${channel}`,
    "",
  ].join("\n");
}
