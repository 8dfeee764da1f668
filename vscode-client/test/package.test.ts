// Builds the .vsix for real (esbuild + @vscode/vsce) and checks what it ships.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./scratch";

const root = path.join(__dirname, "..");

/** Names and sizes of the entries of a zip file, read from its central directory. */
function zipEntries(file: string): Map<string, number> {
  const data = fs.readFileSync(file);
  const eocd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  const entries = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    expect(data.readUInt32LE(offset)).toBe(0x02014b50);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.set(data.toString("utf8", offset + 46, offset + 46 + nameLength), size);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe("the .vsix package", () => {
  it("holds the bundled extension, its manifest and docs, and nothing else", () => {
    const vsix = path.join(root, "sqlscribe.vsix");
    fs.rmSync(vsix, { force: true });
    execFileSync("npm", ["run", "--silent", "package"], { cwd: root, stdio: "pipe" });
    const entries = zipEntries(vsix);
    const names = [...entries.keys()].filter((n) => n.startsWith("extension/")).sort();
    // vsce stores the readme and changelog under lower-case names.
    expect(names).toEqual([
      "extension/LICENSE.txt",
      "extension/changelog.md",
      "extension/images/icon.png",
      "extension/out/extension.js",
      "extension/package.json",
      "extension/readme.md",
    ]);
    expect([...entries.keys()]).toContain("extension.vsixmanifest");
    expect([...entries.keys()].some((n) => n.includes("node_modules"))).toBe(false);
    expect([...entries.keys()].some((n) => n.endsWith(".map") || n.endsWith(".ts"))).toBe(false);
    // The bundle carries the language client it needs, and stays small.
    const bundle = fs.readFileSync(path.join(root, "out", "extension.js"), "utf8");
    expect(bundle).toContain("sqlscribe/status");
    expect(bundle).toContain("workspace/executeCommand");
    expect(entries.get("extension/out/extension.js")).toBeLessThan(1_500_000);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(manifest.main).toBe("./out/extension.js");
  });

  it("installs: the packaged entry point loads with only `vscode` from its host", () => {
    const vsix = path.join(root, "sqlscribe.vsix");
    if (!fs.existsSync(vsix)) {
      execFileSync("npm", ["run", "--silent", "package"], { cwd: root, stdio: "pipe" });
    }
    const target = scratchDir("sqlscribe-vsix-");
    execFileSync("unzip", ["-q", vsix, "-d", target]);
    // A separate Node process, as VS Code's extension host would load it: `vscode` is the only
    // module the host provides; everything else must be inside the bundle.
    const script = `
      const Module = require("module");
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === "vscode") return "vscode";
        return resolve.call(this, request, ...rest);
      };
      require.cache["vscode"] = { id: "vscode", filename: "vscode", loaded: true, exports: new Proxy({}, { get: () => function () {} }) };
      const ext = require(process.argv[1]);
      if (typeof ext.activate !== "function" || typeof ext.deactivate !== "function") process.exit(3);
      console.log("loaded");
    `;
    const main = path.join(target, "extension", "out", "extension.js");
    const out = execFileSync(process.execPath, ["-e", script, main], { cwd: target, encoding: "utf8" });
    expect(out.trim()).toBe("loaded");
  });
});
