// The packaged extension, loaded as VS Code's extension host would load it, starts the real
// sqlscribe server through its real language client and talks to it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./scratch";

const root = path.join(__dirname, "..");
const python = process.env.SQLSCRIBE_PYTHON ?? path.join(root, "..", ".venv", "bin", "python");

describe("the installed extension with the real server", () => {
  it.skipIf(!fs.existsSync(python))("starts the server, shows its model and runs a command through it", () => {
    const vsix = path.join(root, "sqlscribe.vsix");
    if (!fs.existsSync(vsix)) {
      execFileSync("npm", ["run", "--silent", "package"], { cwd: root, stdio: "pipe" });
    }
    const target = scratchDir("sqlscribe-host-");
    execFileSync("unzip", ["-q", vsix, "-d", target]);
    const output = execFileSync(
      process.execPath,
      [path.join(__dirname, "host", "extension-host.cjs"), path.join(target, "extension", "out", "extension.js")],
      {
        cwd: target,
        encoding: "utf8",
        timeout: 120_000,
        env: {
          ...process.env,
          SETTINGS: JSON.stringify({ "sqlscribe.server.pythonPath": python }),
          SQLSCRIBE_DATA_DIR: path.join(target, "data"),
          SQLSCRIBE_CACHE_DIR: path.join(target, "cache"),
        },
      },
    );
    const lines = Object.fromEntries(
      output
        .trim()
        .split("\n")
        .map((line) => [line.split(" ")[0], line.slice(line.indexOf(" ") + 1)]),
    );
    // The status bar shows the default model once the server has loaded it.
    expect(lines.STATUS).toMatch(/^\$\(book\) sqlscribe: [\w.-]+$/);
    expect(lines.STATUS).not.toContain("heuristic");
    expect(lines.STATS).toBe('"# sqlscribe acceptance statistics"');
    const commands = lines.COMMANDS.split(",");
    for (const id of ["sqlscribe.documentFile", "sqlscribe.acceptanceStats", "sqlscribe.client.documentFile"]) {
      expect(commands).toContain(id);
    }
  });
});
