import * as path from "node:path";
import { describe, expect, it } from "vitest";

import { discoverServer, findOnPath } from "../src/discovery";

const base = {
  configuredCommand: [] as string[],
  configuredPython: "",
  pythonExtensionInterpreter: undefined as string | undefined,
  workspaceFolders: [] as string[],
  envPath: "",
  platform: "linux" as NodeJS.Platform,
};

describe("server discovery", () => {
  it("prefers an explicit command", () => {
    const found = discoverServer({ ...base, configuredCommand: ["/opt/sqlscribe", "serve", "--x"], configuredPython: "/py" });
    expect(found).toEqual({ command: "/opt/sqlscribe", args: ["serve", "--x"], source: "setting" });
  });

  it("then a configured interpreter, run as a module", () => {
    const found = discoverServer({ ...base, configuredPython: "/envs/a/bin/python" });
    expect(found).toEqual({ command: "/envs/a/bin/python", args: ["-m", "lsp_server"], source: "pythonPath" });
  });

  it("then the Python extension's interpreter when it exists", () => {
    const exists = (f: string) => f === "/envs/b/bin/python";
    expect(discoverServer({ ...base, pythonExtensionInterpreter: "/envs/b/bin/python", exists })?.source).toBe(
      "python-extension",
    );
    expect(discoverServer({ ...base, pythonExtensionInterpreter: "/gone/python", exists })).toBeUndefined();
  });

  it("then a virtual environment in the workspace", () => {
    const venv = path.join("/work/proj", ".venv", "bin", "python");
    const found = discoverServer({ ...base, workspaceFolders: ["/work/proj"], exists: (f) => f === venv });
    expect(found).toEqual({ command: venv, args: ["-m", "lsp_server"], source: "workspace-venv" });
  });

  it("uses Scripts\\python.exe on Windows", () => {
    const venv = path.join("C:\\proj", ".venv", "Scripts", "python.exe");
    const found = discoverServer({ ...base, platform: "win32", workspaceFolders: ["C:\\proj"], exists: (f) => f === venv });
    expect(found?.command).toBe(venv);
  });

  it("then sqlscribe on the PATH, and nothing when none applies", () => {
    const bin = path.join("/usr/local/bin", "sqlscribe");
    const exists = (f: string) => f === bin;
    expect(discoverServer({ ...base, envPath: "/usr/bin:/usr/local/bin", exists })).toEqual({
      command: bin,
      args: ["serve"],
      source: "path",
    });
    expect(discoverServer({ ...base, envPath: "/usr/bin", exists })).toBeUndefined();
    expect(findOnPath("sqlscribe", "::/usr/local/bin", "linux", exists)).toBe(bin);
  });
});
