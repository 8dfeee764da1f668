// The server's settings, read from VS Code's configuration section "sqlscribe".
import type * as vscode from "vscode";

/** Every key the server understands (lsp_server/settings.py), with VS Code's defaults. */
export const SERVER_SETTINGS = {
  dialect: "auto",
  backend: "llama",
  model: "",
  baseUrl: "",
  threads: 0,
  gpuLayers: 0,
  contextSize: 8192,
  jobs: 4,
  diagnostics: true,
  overwriteExisting: false,
  prefetch: true,
  telemetry: true,
} as const;

export type ServerSettings = { -readonly [K in keyof typeof SERVER_SETTINGS]: (typeof SERVER_SETTINGS)[K] extends string ? string : (typeof SERVER_SETTINGS)[K] extends number ? number : boolean };

export function serverSettings(config: Pick<vscode.WorkspaceConfiguration, "get">): ServerSettings {
  const out: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(SERVER_SETTINGS)) {
    out[key] = config.get(key, fallback);
  }
  return out as ServerSettings;
}

/** Settings that change how the server is started (a restart is needed, not just a reload). */
export const STARTUP_SETTINGS = ["sqlscribe.server.command", "sqlscribe.server.pythonPath"];
