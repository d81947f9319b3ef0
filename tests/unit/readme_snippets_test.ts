// Every TypeScript snippet of the README type-checks as a user would run it: `deno check`
// on each, with the package's published names (`jsr:@pcsc/smartcard`, `.../web/global`...)
// mapped to this checkout as deno.json's exports map them. The web snippet in particular
// needs nothing but its `import "jsr:@pcsc/smartcard/web/global"` for `navigator.smartCard`.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function readmeSnippets(): Promise<string[]> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

async function importMap(): Promise<Record<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const imports: Record<string, string> = {};
  for (const [entry, path] of Object.entries(config.exports as Record<string, string>)) {
    const name = `jsr:${config.name}${entry === "." ? "" : entry.slice(1)}`;
    imports[name] = new URL(path, ROOT).href;
  }
  return imports;
}

Deno.test("every TypeScript snippet of the README passes deno check", async () => {
  const snippets = await readmeSnippets();
  assert.ok(snippets.length >= 4, `only ${snippets.length} snippets found`);
  const dir = await Deno.makeTempDir({ prefix: "readme-snippets-" });
  try {
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: await importMap() }));
    const files = [];
    for (const [i, snippet] of snippets.entries()) {
      const file = `${dir}/snippet_${i}.ts`;
      // a snippet without import or export would be a script: make each a module of its own
      await Deno.writeTextFile(file, snippet + "\nexport {};\n");
      files.push(file);
    }
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...files],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
