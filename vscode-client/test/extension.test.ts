import * as fs from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { activate, COMMANDS, deactivate, statsMarkdown } from "../src/extension";
import { SERVER_SETTINGS, serverSettings } from "../src/settings";
import { behaviour, clients, resetClients } from "./languageclient.mock";
import { lastProgress, recorded, reset, window } from "./vscode.mock";
import { scratchDir } from "./scratch";

const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));

function context() {
  return { subscriptions: [] as { dispose(): void }[] } as never;
}

function workspaceWithVenv(): string {
  const folder = scratchDir("sqlscribe-ws-");
  fs.mkdirSync(path.join(folder, ".venv", "bin"), { recursive: true });
  fs.writeFileSync(path.join(folder, ".venv", "bin", "python"), "");
  recorded.workspaceFolders = [{ uri: { fsPath: folder } }];
  return folder;
}

describe("activation", () => {
  beforeEach(async () => {
    await deactivate();
    reset();
    resetClients();
  });

  it("starts the server found in the workspace venv and registers every palette command", async () => {
    const folder = workspaceWithVenv();
    await activate(context());
    expect(clients).toHaveLength(1);
    const client = clients[0];
    expect(client.serverOptions.command).toBe(path.join(folder, ".venv", "bin", "python"));
    expect(client.serverOptions.args).toEqual(["-m", "lsp_server"]);
    expect(client.started).toBe(true);
    const contributed = packageJson.contributes.commands.map((c: { command: string }) => c.command).sort();
    expect([...recorded.commands.keys()].sort()).toEqual(contributed);
    expect(Object.values(COMMANDS).sort()).toEqual(contributed);
    // Client-side ids never collide with the commands the server announces.
    expect(contributed.every((id: string) => id.startsWith("sqlscribe.client."))).toBe(true);
  });

  it("passes every server setting through initializationOptions and synchronises the section", async () => {
    workspaceWithVenv();
    recorded.configuration.set("sqlscribe.backend", "heuristic");
    recorded.configuration.set("sqlscribe.threads", 4);
    await activate(context());
    const options = clients[0].clientOptions as {
      initializationOptions: { sqlscribe: Record<string, unknown> };
      synchronize: { configurationSection: string };
      documentSelector: { language: string; pattern?: string }[];
    };
    expect(options.synchronize.configurationSection).toBe("sqlscribe");
    // SQL files, Python files saved on disk (the ORMs' models, which the server finds), Rails
    // schemas, TypeScript files (TypeORM's entities), PHP files (Doctrine's) and Prisma schemas,
    // whatever their language
    const orms = options.documentSelector.filter((d) => d.language !== "sql");
    expect(orms).toEqual([
      { scheme: "file", language: "python" },
      { scheme: "file", language: "ruby", pattern: "**/db/*schema.rb" },
      { scheme: "file", language: "typescript" },
      { scheme: "file", language: "php" },
      { scheme: "file", pattern: "**/*.prisma" },
    ]);
    const sent = options.initializationOptions.sqlscribe;
    expect(Object.keys(sent).sort()).toEqual(Object.keys(SERVER_SETTINGS).sort());
    expect(sent.backend).toBe("heuristic");
    expect(sent.threads).toBe(4);
    expect(sent.diagnostics).toBe(true);
  });

  it("contributes a setting with a description and default for every server option", () => {
    const properties = packageJson.contributes.configuration.properties as Record<
      string,
      { default: unknown; description?: string; markdownDescription?: string }
    >;
    for (const [key, fallback] of Object.entries(SERVER_SETTINGS)) {
      const property = properties[`sqlscribe.${key}`];
      expect(property, key).toBeDefined();
      expect(property.default).toEqual(fallback);
      expect(property.description ?? property.markdownDescription).toBeTruthy();
    }
    expect(serverSettings({ get: (_key: string, fallback?: unknown) => fallback } as never)).toEqual(SERVER_SETTINGS);
  });

  it("says once how to install when no server can be found", async () => {
    recorded.workspaceFolders = [];
    const savedPath = process.env.PATH;
    process.env.PATH = "";
    try {
      await activate(context());
    } finally {
      process.env.PATH = savedPath;
    }
    expect(clients).toHaveLength(0);
    expect(recorded.errors).toHaveLength(1);
    expect(recorded.errors[0]).toContain("pip install");
    expect(recorded.statusItems[0].text).toContain("$(warning)");
    // Commands still exist and explain instead of failing silently.
    await Promise.resolve(recorded.commands.get(COMMANDS.showStats)?.()).catch(() => undefined);
    expect(recorded.errors.length).toBeGreaterThan(1);
  });

  it("shows an error state when the server fails to start", async () => {
    workspaceWithVenv();
    behaviour.startFails = new Error("spawn ENOENT");
    await activate(context());
    expect(recorded.statusItems[0].text).toContain("$(warning)");
    expect(recorded.errors.some((e) => e.includes("spawn ENOENT"))).toBe(true);
  });

  it("turns sqlscribe/status notifications into status bar states", async () => {
    workspaceWithVenv();
    await activate(context());
    const notify = clients[0].notifications.get("sqlscribe/status");
    notify?.({ state: "generating", model: "smollm2-135m-instruct:1:abc", pending: 2 });
    expect(recorded.statusItems[0].text).toBe("$(sync~spin) sqlscribe: smollm2-135m-instruct (2)");
    notify?.({ state: "idle", model: "smollm2-135m-instruct:1:abc" });
    expect(recorded.statusItems[0].text).toBe("$(book) sqlscribe: smollm2-135m-instruct");
  });

  it("restarts the server on demand and when its start-up settings change", async () => {
    workspaceWithVenv();
    await activate(context());
    await recorded.commands.get(COMMANDS.restartServer)?.();
    expect(clients).toHaveLength(2);
    expect(clients[0].stopped).toBe(true);
    expect(clients[1].started).toBe(true);
    recorded.configListeners[0]({ affectsConfiguration: (key) => key === "sqlscribe.server.pythonPath" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clients).toHaveLength(3);
    recorded.configListeners[0]({ affectsConfiguration: (key) => key === "sqlscribe.model" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clients).toHaveLength(3); // a model change is the server's business (it reloads once)
  });
});

describe("commands", () => {
  beforeEach(async () => {
    await deactivate();
    reset();
    resetClients();
    workspaceWithVenv();
  });

  it("Document This File runs the server command with a client progress token and honours Cancel", async () => {
    await activate(context());
    recorded.activeEditor = { document: { uri: { toString: () => "file:///w/a.sql" } } };
    behaviour.responses.set("sqlscribe.documentFile", (params: { arguments: unknown[] }, client: (typeof clients)[0]) => {
      const token = (params.arguments[1] as { workDoneToken: string }).workDoneToken;
      client.progressHandlers.get(token)?.({ kind: "begin", title: "Documenting a.sql", percentage: 0 });
      client.progressHandlers.get(token)?.({ kind: "report", message: "table 1 of 2: orders", percentage: 50 });
      lastProgress.source?.cancel();
      return { documented: 1, total: 2, cancelled: true };
    });
    await recorded.commands.get(COMMANDS.documentFile)?.();
    const request = clients[0].requests[0];
    expect(request.params).toMatchObject({ command: "sqlscribe.documentFile" });
    const args = (request.params as { arguments: unknown[] }).arguments;
    expect(args[0]).toBe("file:///w/a.sql");
    const token = (args[1] as { workDoneToken: string }).workDoneToken;
    expect(lastProgress.reports).toContainEqual({ message: "table 1 of 2: orders", increment: 50 });
    expect(clients[0].sentNotifications).toContainEqual({ method: "window/workDoneProgress/cancel", params: { token } });
    expect(recorded.infos).toContain("sqlscribe: Cancelled after documenting 1 of 2 tables.");
  });

  it("Document dbt Project sends the picked project to the server and reports the files it changed", async () => {
    await activate(context());
    const project = (fsPath: string) => ({ fsPath, toString: () => `file://${fsPath}` });
    recorded.foundFiles = [project("/w/a/dbt_project.yml"), project("/w/b/dbt_project.yml")];
    recorded.quickPickAnswer = { label: "b/dbt_project.yml", uri: recorded.foundFiles[1] };
    behaviour.responses.set("sqlscribe.documentDbtProject", () => ({
      documented: 3,
      total: 3,
      files: ["/w/b/models/schema.yml", "/w/b/seeds/schema.yml"],
      cancelled: false,
    }));
    await recorded.commands.get(COMMANDS.documentDbtProject)?.();
    const request = clients[0].requests[0];
    expect(request.params).toMatchObject({ command: "sqlscribe.documentDbtProject" });
    const args = (request.params as { arguments: unknown[] }).arguments;
    expect(args[0]).toBe("file:///w/b/dbt_project.yml");
    expect(args[1]).toHaveProperty("workDoneToken");
    expect(recorded.infos).toContain("sqlscribe: Documented 3 of 3 dbt resources in 2 property files.");
  });

  it("Document Migrations sends the folder clicked, else the active file, and reports the new file", async () => {
    await activate(context());
    behaviour.responses.set("sqlscribe.documentMigrations", () => ({
      file: "file:///w/migrations/V3__document_comments.sql",
      statements: 5,
      tables: ["customers", "orders"],
      cancelled: false,
      problems: [],
    }));
    const folder = { scheme: "file", fsPath: "/w/migrations", toString: () => "file:///w/migrations" };
    await recorded.commands.get(COMMANDS.documentMigrations)?.(folder);
    let args = (clients[0].requests[0].params as { arguments: unknown[] }).arguments;
    expect(clients[0].requests[0].params).toMatchObject({ command: "sqlscribe.documentMigrations" });
    expect(args[0]).toBe("file:///w/migrations");
    expect(args[1]).toHaveProperty("workDoneToken");
    expect(recorded.infos).toContain("sqlscribe: V3__document_comments.sql: 5 statements for 2 tables.");
    const shown = vi.mocked(window.showTextDocument).mock.calls.at(-1) as unknown[];
    expect(String(shown[0])).toBe("file:///w/migrations/V3__document_comments.sql"); // opened for review

    recorded.activeEditor = { document: { uri: { fsPath: "/w/m/V1.sql", toString: () => "file:///w/m/V1.sql" } } };
    behaviour.responses.set("sqlscribe.documentMigrations", () => ({
      file: null,
      statements: 0,
      tables: [],
      cancelled: false,
      problems: [],
    }));
    await recorded.commands.get(COMMANDS.documentMigrations)?.();
    args = (clients[0].requests[1].params as { arguments: unknown[] }).arguments;
    expect(args[0]).toBe("file:///w/m/V1.sql");
    expect(recorded.infos).toContain("sqlscribe: the migrations are documented; nothing to add.");
  });

  it("Document Migrations says what came with the new file and what is left to do by hand", async () => {
    await activate(context());
    behaviour.responses.set("sqlscribe.documentMigrations", () => ({
      file: "file:///w/m/000003_document_comments.up.sql",
      undo: "file:///w/m/000003_document_comments.down.sql",
      in_place: [],
      statements: 2,
      tables: ["t"],
      cancelled: false,
      problems: [],
      notes: ["atlas.sum does not match the files as hashed here: run `atlas migrate hash` once it is written"],
    }));
    const folder = { scheme: "file", fsPath: "/w/m", toString: () => "file:///w/m" };
    await recorded.commands.get(COMMANDS.documentMigrations)?.(folder);
    expect(recorded.infos).toContain(
      "sqlscribe: 000003_document_comments.up.sql: 2 statements for 1 tables, with the migration that undoes it.",
    );
    expect(recorded.warnings).toContain(
      "sqlscribe: atlas.sum does not match the files as hashed here: run `atlas migrate hash` once it is written",
    );
    behaviour.responses.set("sqlscribe.documentMigrations", () => ({
      file: null,
      in_place: ["/w/m/R__views.sql"],
      statements: 0,
      tables: [],
      cancelled: false,
      problems: [],
      notes: [],
    }));
    await recorded.commands.get(COMMANDS.documentMigrations)?.(folder);
    expect(recorded.infos).toContain("sqlscribe: 1 repeatable migrations documented in place.");
  });

  it("Document Migrations without a folder or an open file says what to do", async () => {
    await activate(context());
    await recorded.commands.get(COMMANDS.documentMigrations)?.();
    expect(clients[0].requests).toHaveLength(0);
    expect(recorded.warnings).toContain("sqlscribe: open a migration, or pick its folder in the explorer.");
  });

  it("Document dbt Project says so when the workspace has no dbt project", async () => {
    await activate(context());
    await recorded.commands.get(COMMANDS.documentDbtProject)?.();
    expect(clients[0].requests).toHaveLength(0);
    expect(recorded.warnings).toContain("sqlscribe: no dbt project (dbt_project.yml) in the workspace.");
  });

  it("Document Table at Cursor applies the resolved table action and records acceptance", async () => {
    await activate(context());
    recorded.activeEditor = { document: { uri: { fsPath: "/w/a.sql" } }, selection: { active: { line: 3, character: 2 } } };
    const edit = { size: 1 };
    recorded.executeResults.set("vscode.executeCodeActionProvider", [
      { kind: { value: "refactor.rewrite.sqlscribe.column" } },
      {
        kind: { value: "refactor.rewrite.sqlscribe.table" },
        edit,
        command: { command: "sqlscribe.suggestionAccepted", arguments: ["id-1", "file:///w/a.sql"] },
      },
    ]);
    await recorded.commands.get(COMMANDS.documentTable)?.();
    const query = recorded.executed.find((e) => e.command === "vscode.executeCodeActionProvider");
    expect(query?.args[2]).toBe("refactor.rewrite.sqlscribe.table");
    expect(recorded.appliedEdits).toEqual([edit]);
    expect(recorded.executed).toContainEqual({
      command: "sqlscribe.suggestionAccepted",
      args: ["id-1", "file:///w/a.sql"],
    });
  });

  it("Show Acceptance Statistics renders the server's numbers", async () => {
    await activate(context());
    behaviour.responses.set("sqlscribe.acceptanceStats", [
      { model: "m", kind: "column", shown: 4, accepted: 3, edited: 1, not_taken: 1, acceptance_rate: 0.75 },
    ]);
    await recorded.commands.get(COMMANDS.showStats)?.();
    const content = recorded.openedDocuments[0].content ?? "";
    expect(content).toContain("| m | column | 4 | 3 | 1 | 1 | 75.0% |");
    expect(statsMarkdown([])).toContain("No suggestions recorded yet.");
  });

  it("Select Model writes the chosen model into the settings", async () => {
    await activate(context());
    behaviour.responses.set("sqlscribe.listModels", {
      models: [
        { name: "smollm2-135m-instruct", default: true },
        { name: "qwen2.5-coder-0.5b-instruct", default: false, description: "bigger" },
      ],
      active: "smollm2-135m-instruct:1:abc",
      configured: "",
    });
    recorded.quickPickAnswer = { label: "qwen2.5-coder-0.5b-instruct", model: "qwen2.5-coder-0.5b-instruct", backend: "llama" };
    await recorded.commands.get(COMMANDS.selectModel)?.();
    expect(recorded.updates).toEqual([
      { key: "sqlscribe.backend", value: "llama" },
      { key: "sqlscribe.model", value: "qwen2.5-coder-0.5b-instruct" },
    ]);
  });
});
