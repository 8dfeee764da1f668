// The sqlscribe extension: starts `sqlscribe serve` and wires its features into VS Code.
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
  WorkDoneProgress,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
} from "vscode-languageclient/node";

import { discoverServer, INSTALL_HINT, type ServerCommand } from "./discovery";
import { serverSettings, STARTUP_SETTINGS } from "./settings";
import { type ServerStatus, StatusBar } from "./status";

export const COMMANDS = {
  documentFile: "sqlscribe.client.documentFile",
  documentDbtProject: "sqlscribe.client.documentDbtProject",
  documentMigrations: "sqlscribe.client.documentMigrations",
  documentTable: "sqlscribe.client.documentTable",
  showStats: "sqlscribe.client.showStats",
  restartServer: "sqlscribe.client.restartServer",
  selectModel: "sqlscribe.client.selectModel",
} as const;

const TABLE_ACTION_KIND = "refactor.rewrite.sqlscribe.table";

interface StatsRow {
  model: string;
  kind: string;
  shown: number;
  accepted: number;
  edited: number;
  not_taken: number;
  acceptance_rate: number;
}

/** The part of the Python extension's API we use (ms-python.python, `environments`). */
interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath?: () => { path?: unknown } | undefined };
}

interface ModelEntry {
  name: string;
  default: boolean;
  description?: string;
  prompt_style?: string;
}

export class Extension implements vscode.Disposable {
  client: LanguageClient | undefined;
  server: ServerCommand | undefined;
  readonly status: StatusBar;
  private readonly output: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.status = new StatusBar();
    this.output = vscode.window.createOutputChannel("sqlscribe", { log: true });
    this.disposables.push(this.status, this.output);
  }

  async activate(): Promise<void> {
    const register = (id: string, fn: (...args: unknown[]) => unknown) =>
      this.disposables.push(vscode.commands.registerCommand(id, fn));
    register(COMMANDS.documentFile, () => this.documentFile());
    register(COMMANDS.documentDbtProject, () => this.documentDbtProject());
    register(COMMANDS.documentMigrations, (folder?: unknown) => this.documentMigrations(folder));
    register(COMMANDS.documentTable, () => this.documentTable());
    register(COMMANDS.showStats, () => this.showStats());
    register(COMMANDS.restartServer, () => this.restart());
    register(COMMANDS.selectModel, () => this.selectModel());
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (STARTUP_SETTINGS.some((key) => event.affectsConfiguration(key))) {
          void this.restart();
        }
      }),
    );
    this.context.subscriptions.push(this);
    await this.start();
  }

  async pythonExtensionInterpreter(): Promise<string | undefined> {
    const python = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
    if (!python) {
      return undefined;
    }
    try {
      const api = python.isActive ? python.exports : await python.activate();
      const active = api?.environments?.getActiveEnvironmentPath?.();
      return typeof active?.path === "string" ? active.path : undefined;
    } catch {
      return undefined;
    }
  }

  async discover(): Promise<ServerCommand | undefined> {
    const config = vscode.workspace.getConfiguration("sqlscribe");
    return discoverServer({
      configuredCommand: config.get<string[]>("server.command", []),
      configuredPython: config.get<string>("server.pythonPath", ""),
      pythonExtensionInterpreter: await this.pythonExtensionInterpreter(),
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      envPath: process.env.PATH ?? "",
      platform: process.platform,
    });
  }

  async start(): Promise<void> {
    this.server = await this.discover();
    if (!this.server) {
      this.status.update({ state: "error", model: "", message: "sqlscribe is not installed" });
      const choice = await vscode.window.showErrorMessage(INSTALL_HINT, "Open Settings");
      if (choice === "Open Settings") {
        await vscode.commands.executeCommand("workbench.action.openSettings", "sqlscribe.server");
      }
      return;
    }
    this.output.info(`starting ${this.server.command} ${this.server.args.join(" ")} (from ${this.server.source})`);
    const serverOptions: ServerOptions = {
      command: this.server.command,
      args: this.server.args,
      transport: TransportKind.stdio,
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "sql" },
        { scheme: "untitled", language: "sql" },
        // Python files, for the ORMs' models: Django apps' models.py, and SQLAlchemy's tables
        // wherever a project declares them (the server offers nothing in any other Python file)
        { scheme: "file", language: "python" },
        // a Rails app's schema, documented by a new migration (db/schema.rb, db/<name>_schema.rb)
        { scheme: "file", language: "ruby", pattern: "**/db/*schema.rb" },
        // TypeScript files, for TypeORM's entities (the server offers nothing in any other)
        { scheme: "file", language: "typescript" },
        // PHP files, for Doctrine's entities (the server offers nothing in any other)
        { scheme: "file", language: "php" },
        // a Prisma schema, whether or not an extension gives .prisma files a language
        { scheme: "file", pattern: "**/*.prisma" },
      ],
      synchronize: { configurationSection: "sqlscribe" },
      initializationOptions: { sqlscribe: serverSettings(vscode.workspace.getConfiguration("sqlscribe")) },
      outputChannel: this.output,
    };
    this.client = new LanguageClient("sqlscribe", "sqlscribe", serverOptions, clientOptions);
    this.client.onNotification("sqlscribe/status", (status: ServerStatus) => this.status.update(status));
    this.status.update({ state: "starting", model: "" });
    try {
      await this.client.start();
    } catch (error) {
      this.status.update({ state: "error", model: "", message: String(error) });
      void vscode.window.showErrorMessage(`sqlscribe: the language server did not start (${String(error)})`);
    }
  }

  async restart(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop();
      } catch (error) {
        this.output.info(`stopping the server failed: ${String(error)}`);
      }
    }
    this.status.update({ state: "stopped", model: "" });
    await this.start();
  }

  private requireClient(): LanguageClient | undefined {
    if (!this.client) {
      void vscode.window.showErrorMessage(INSTALL_HINT);
    }
    return this.client;
  }

  async executeServerCommand<T>(command: string, args: unknown[] = [], token?: vscode.CancellationToken): Promise<T> {
    const client = this.requireClient();
    if (!client) {
      throw new Error("the sqlscribe server is not running");
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token) as Promise<T>;
  }

  async documentFile(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.requireClient()) {
      return;
    }
    const result = await this.withServerProgress<{ documented: number; total: number; cancelled: boolean }>(
      "sqlscribe.documentFile",
      editor.document.uri.toString(),
    );
    if (result) {
      const verb = result.cancelled ? "Cancelled after documenting" : "Documented";
      void vscode.window.showInformationMessage(`sqlscribe: ${verb} ${result.documented} of ${result.total} tables.`);
    }
  }

  /** Document a dbt project of the workspace (one found by its dbt_project.yml, picked when there
   * are several) into its property files: the server sends one workspace edit over them. */
  async documentDbtProject(): Promise<void> {
    if (!this.requireClient()) {
      return;
    }
    const found = await vscode.workspace.findFiles("**/dbt_project.yml", "**/{dbt_packages,node_modules}/**", 50);
    if (found.length === 0) {
      void vscode.window.showWarningMessage("sqlscribe: no dbt project (dbt_project.yml) in the workspace.");
      return;
    }
    let project = found[0];
    if (found.length > 1) {
      const items = found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
      const picked = await vscode.window.showQuickPick(items, { title: "sqlscribe: Document dbt Project" });
      if (!picked) {
        return;
      }
      project = picked.uri;
    }
    const result = await this.withServerProgress<{
      documented: number;
      total: number;
      files: string[];
      cancelled: boolean;
    }>("sqlscribe.documentDbtProject", project.toString());
    if (result) {
      const message = result.cancelled
        ? "Cancelled; nothing changed."
        : `Documented ${result.documented} of ${result.total} dbt resources in ${result.files.length} property files.`;
      void vscode.window.showInformationMessage(`sqlscribe: ${message}`);
    }
  }

  /** Document a migrations folder into its next migration (the folder clicked in the explorer,
   * else the active editor's): the server creates the file in one workspace edit and leaves the
   * applied migrations as they are. */
  async documentMigrations(folder?: unknown): Promise<void> {
    const picked = typeof folder === "object" && folder !== null && "scheme" in folder ? (folder as vscode.Uri) : undefined;
    const target = picked ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) {
      void vscode.window.showWarningMessage("sqlscribe: open a migration, or pick its folder in the explorer.");
      return;
    }
    const result = await this.withServerProgress<{
      file: string | null;
      undo?: string | null;
      in_place?: string[];
      statements: number;
      tables: string[];
      cancelled: boolean;
      problems: string[];
      notes?: string[];
    }>("sqlscribe.documentMigrations", target.toString());
    if (!result || result.problems.length > 0) {
      return; // the server has said what went wrong
    }
    const repeatable = result.in_place?.length ?? 0;
    if (result.cancelled) {
      void vscode.window.showInformationMessage("sqlscribe: Cancelled; nothing created.");
    } else if (result.file) {
      const name = result.file.slice(result.file.lastIndexOf("/") + 1);
      await vscode.window.showTextDocument(vscode.Uri.parse(result.file), { preview: true }); // to review
      const undone = result.undo ? ", with the migration that undoes it" : "";
      const inPlace = repeatable ? `; ${repeatable} repeatable migrations documented in place` : "";
      void vscode.window.showInformationMessage(
        `sqlscribe: ${name}: ${result.statements} statements for ${result.tables.length} tables${undone}${inPlace}.`,
      );
    } else if (repeatable) {
      void vscode.window.showInformationMessage(`sqlscribe: ${repeatable} repeatable migrations documented in place.`);
    } else {
      void vscode.window.showInformationMessage("sqlscribe: the migrations are documented; nothing to add.");
    }
    if (!result.cancelled && result.notes?.length) {
      // what is left to do by hand (a changelog to edit, a checksum to make), or left undocumented
      void vscode.window.showWarningMessage(`sqlscribe: ${result.notes.join("; ")}`);
    }
  }

  /** Run a server command whose work reports on a progress token of ours, shown as a
   * notification whose Cancel cancels the work; its result, or undefined without a server. */
  private async withServerProgress<T>(command: string, argument: unknown): Promise<T | undefined> {
    const client = this.requireClient();
    if (!client) {
      return undefined;
    }
    const token = `sqlscribe-client-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "sqlscribe: documenting", cancellable: true },
      async (progress, cancel) => {
        let done = 0;
        const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === "begin" || value.kind === "report") {
            const v: WorkDoneProgressBegin | WorkDoneProgressReport = value;
            const increment = v.percentage !== undefined ? v.percentage - done : undefined;
            done = v.percentage ?? done;
            progress.report({ message: v.message, increment });
          }
        });
        cancel.onCancellationRequested(() => {
          void client.sendNotification("window/workDoneProgress/cancel", { token });
        });
        try {
          return await this.executeServerCommand<T>(command, [argument, { workDoneToken: token }]);
        } finally {
          listener.dispose();
        }
      },
    );
  }

  async documentTable(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.requireClient()) {
      return;
    }
    const position = editor.selection.active;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      "vscode.executeCodeActionProvider",
      editor.document.uri,
      new vscode.Range(position, position),
      TABLE_ACTION_KIND,
      1,
    );
    const action = (actions ?? []).find((a) => a.kind?.value === TABLE_ACTION_KIND && !a.disabled);
    if (!action) {
      void vscode.window.showInformationMessage("sqlscribe: no undocumented table at the cursor.");
      return;
    }
    if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) {
      void vscode.window.showWarningMessage("sqlscribe: the file changed meanwhile; try again.");
      return;
    }
    if (action.command) {
      const args: unknown[] = action.command.arguments ?? [];
      await vscode.commands.executeCommand(action.command.command, ...args);
    }
  }

  async showStats(): Promise<void> {
    const rows = await this.executeServerCommand<StatsRow[]>("sqlscribe.acceptanceStats");
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: statsMarkdown(rows) });
    await vscode.window.showTextDocument(document, { preview: true });
  }

  async selectModel(): Promise<void> {
    const listing = await this.executeServerCommand<{ models: ModelEntry[]; active: string; configured: string }>(
      "sqlscribe.listModels",
    );
    type Item = vscode.QuickPickItem & { model?: string; backend?: string; browse?: boolean };
    const items: Item[] = listing.models.map((m) => ({
      label: m.name,
      description: [m.default ? "default" : "", listing.active.startsWith(`${m.name}:`) ? "active" : ""]
        .filter(Boolean)
        .join(", "),
      detail: m.description,
      model: m.default ? "" : m.name,
      backend: "llama",
    }));
    items.push({ label: "Heuristic (no model)", detail: "Readable sentences from the identifiers", backend: "heuristic" });
    items.push({ label: "Browse for a .gguf file…", browse: true, backend: "llama" });
    const picked = await vscode.window.showQuickPick(items, { title: "sqlscribe: Select Model", matchOnDetail: true });
    if (!picked) {
      return;
    }
    let model = picked.model ?? "";
    if (picked.browse) {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "GGUF model": ["gguf"] } });
      if (!files || files.length === 0) {
        return;
      }
      model = files[0].fsPath;
    }
    const config = vscode.workspace.getConfiguration("sqlscribe");
    await config.update("backend", picked.backend ?? "llama", vscode.ConfigurationTarget.Global);
    if (picked.backend !== "heuristic") {
      await config.update("model", model, vscode.ConfigurationTarget.Global);
    }
  }

  dispose(): void {
    void this.client?.stop();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

export function statsMarkdown(rows: StatsRow[]): string {
  const lines = ["# sqlscribe acceptance statistics", "", "Recorded on this machine only.", ""];
  if (rows.length === 0) {
    lines.push("No suggestions recorded yet.");
    return lines.join("\n") + "\n";
  }
  lines.push("| model | kind | shown | accepted | edited | not taken | acceptance |", "|---|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.kind} | ${r.shown} | ${r.accepted} | ${r.edited} | ${r.not_taken} | ${(100 * r.acceptance_rate).toFixed(1)}% |`,
    );
  }
  return lines.join("\n") + "\n";
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Extension> {
  extension = new Extension(context);
  await extension.activate();
  return extension;
}

export async function deactivate(): Promise<void> {
  const client = extension?.client;
  extension = undefined;
  if (client) {
    await client.stop();
  }
}
