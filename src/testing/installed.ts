/**
 * Finding what the machine has installed, by looking where Debian puts it: the stack, the
 * runner and the bench decide from this whether they can run or must say why not, and a
 * root shell's or CI's PATH often lacks the sbin folders where pcscd lives.
 *
 * @module
 */

/** The absolute path of `command`, also looking in the sbin folders a non-login PATH may lack. */
export async function which(command: string): Promise<string | undefined> {
  const path = Deno.env.get("PATH") ?? "";
  const dirs = [...path.split(":"), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
  for (const dir of dirs) {
    if (dir.startsWith("/") && await isFile(`${dir}/${command}`)) return `${dir}/${command}`;
  }
  return undefined;
}

/** Whether libpcsclite1 is installed: the library the tests open, in any multiarch folder. */
export async function hasLibPcscLite(): Promise<boolean> {
  const dirs = ["/usr/lib", "/usr/lib64", "/lib"];
  const entries = await Array.fromAsync(Deno.readDir("/usr/lib")).catch(() => []);
  for (const entry of entries) {
    // Debian's multiarch folders: x86_64-linux-gnu, aarch64-linux-gnu...
    if (entry.isDirectory && entry.name.endsWith("-linux-gnu")) dirs.push(`/usr/lib/${entry.name}`);
  }
  for (const dir of dirs) {
    if (await isFile(`${dir}/libpcsclite.so.1`)) return true;
  }
  return false;
}

/** Whether `path` is a regular file (following links); false when it is missing or unreadable. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
