// Where the language server comes from: an explicit command, a Python interpreter, or the PATH.
import * as fs from "node:fs";
import * as path from "node:path";

export interface ServerCommand {
  command: string;
  args: string[];
  source: "setting" | "pythonPath" | "python-extension" | "workspace-venv" | "path";
}

export interface DiscoveryInput {
  configuredCommand: string[];
  configuredPython: string;
  pythonExtensionInterpreter: string | undefined;
  workspaceFolders: string[];
  envPath: string;
  platform: NodeJS.Platform;
  exists?: (file: string) => boolean;
}

export const INSTALL_HINT =
  "sqlscribe is not installed. Install it with `pip install sqlscribe` (or `pip install -e .` in a checkout), " +
  "then set sqlscribe.server.pythonPath or put `sqlscribe` on your PATH.";

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function venvPythons(folder: string, platform: NodeJS.Platform): string[] {
  const names = [".venv", "venv", "env"];
  return names.map((name) =>
    platform === "win32" ? path.join(folder, name, "Scripts", "python.exe") : path.join(folder, name, "bin", "python"),
  );
}

export function findOnPath(executable: string, envPath: string, platform: NodeJS.Platform, exists = isFile): string | undefined {
  const separator = platform === "win32" ? ";" : ":";
  const names = platform === "win32" ? [`${executable}.exe`, `${executable}.cmd`, executable] : [executable];
  for (const dir of envPath.split(separator)) {
    if (!dir) {
      continue;
    }
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The first way to start the server that applies, in the documented order; undefined when none does. */
export function discoverServer(input: DiscoveryInput): ServerCommand | undefined {
  const exists = input.exists ?? isFile;
  if (input.configuredCommand.length > 0 && input.configuredCommand[0]) {
    const [command, ...args] = input.configuredCommand;
    return { command, args, source: "setting" };
  }
  const pythonModule = ["-m", "lsp_server"];
  if (input.configuredPython) {
    return { command: input.configuredPython, args: pythonModule, source: "pythonPath" };
  }
  if (input.pythonExtensionInterpreter && exists(input.pythonExtensionInterpreter)) {
    return { command: input.pythonExtensionInterpreter, args: pythonModule, source: "python-extension" };
  }
  for (const folder of input.workspaceFolders) {
    for (const python of venvPythons(folder, input.platform)) {
      if (exists(python)) {
        return { command: python, args: pythonModule, source: "workspace-venv" };
      }
    }
  }
  const onPath = findOnPath("sqlscribe", input.envPath, input.platform, exists);
  if (onPath) {
    return { command: onPath, args: ["serve"], source: "path" };
  }
  return undefined;
}
