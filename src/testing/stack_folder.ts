/**
 * A stack's folder: which one (given, named by `PCSCLITE_CSOCK_NAME`, or new), and where the
 * daemon's socket, pid files and logs go in it.
 *
 * @module
 */

/** The daemon's socket, relative to the folder. */
export const SOCKET = "run/pcscd.comm";

/** The stack's folder, and whether the stack makes it (and so removes it). */
export async function stackDir(
  given: string | undefined,
): Promise<{ dir: string; owned: boolean }> {
  const named = Deno.env.get("PCSCLITE_CSOCK_NAME");
  let dir = given;
  if (dir === undefined && named !== undefined) {
    if (!named.endsWith(`/${SOCKET}`)) {
      throw new Error(
        `PCSCLITE_CSOCK_NAME is ${named}, not a virtual stack's socket (<dir>/${SOCKET}): ` +
          "libpcsclite would keep talking to that daemon; unset it",
      );
    }
    dir = named.slice(0, -SOCKET.length - 1);
  }
  if (dir === undefined) {
    return { dir: await Deno.makeTempDir({ prefix: "pcsc-testing-" }), owned: true };
  }
  if (named !== undefined && named !== `${dir}/${SOCKET}`) {
    throw new Error(
      `PCSCLITE_CSOCK_NAME is ${named}, not ${dir}/${SOCKET}: libpcsclite reads it once per ` +
        "process, so it would keep talking to that daemon",
    );
  }
  const exists = await Deno.stat(dir).then(() => true, () => false);
  if (!exists) await Deno.mkdir(dir, { recursive: true });
  return { dir, owned: !exists };
}

/**
 * The files a stopped daemon `pid` leaves in `dir`: pcscd removes its socket and pid file on
 * a clean exit, not after SIGKILL; the kit's record of it is the kit's to remove.
 */
export function daemonFiles(dir: string, pid: number): string[] {
  return [SOCKET, "run/pcscd.pid", `pids/${pid}`].map((file) => `${dir}/${file}`);
}

/** `<dir>/pcscd-N.log`, N unique across the stacks that share the folder. */
export async function newLogPath(dir: string): Promise<string> {
  for (let n = 1;; n++) {
    const path = `${dir}/pcscd-${n}.log`;
    try {
      (await Deno.open(path, { write: true, createNew: true })).close();
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}
