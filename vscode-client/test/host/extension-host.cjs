// A minimal extension host for tests: loads the packaged extension with a stub `vscode` module
// (VS Code itself cannot be downloaded here) and lets the extension's real language client start
// and talk to the real sqlscribe server. Prints what it saw; the test checks the lines.
const Module = require("module");
const path = require("path");
const log = (...a) => process.env.DEBUG && console.error(...a);

function universal(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === "then") return undefined;
      if (prop === Symbol.toPrimitive) return () => `<${name}>`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === "dispose") return () => undefined;
      return universal(`${name}.${String(prop)}`);
    },
    apply() { log("call", name); return universal(`${name}()`); },
    construct() { log("new", name); return universal(`new ${name}`); },
  });
}

class Disposable { constructor(fn) { this.fn = fn; } dispose() { this.fn && this.fn(); } static from(...d) { return new Disposable(() => d.forEach((x) => x && x.dispose && x.dispose())); } }
class EventEmitter { constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return new Disposable(() => {}); }; } fire(e) { this.listeners.forEach((l) => l(e)); } dispose() {} }
class CancellationTokenSource { constructor() { this.token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() }; } cancel() { this.token.isCancellationRequested = true; } dispose() {} }
const event = () => new Disposable(() => {});
const statusItems = [];
const commands = new Map();
const opened = [];
const settings = JSON.parse(process.env.SETTINGS || "{}");
const Uri = {
  parse: (s) => ({ scheme: s.split(":")[0], fsPath: s.replace(/^file:\/\//, ""), toString: () => s, path: s.replace(/^file:\/\//, "") }),
  file: (p) => ({ scheme: "file", fsPath: p, path: p, toString: () => `file://${p}` }),
};
const stub = {
  version: "1.95.0",
  env: { appName: "stub-host", language: "en", machineId: "x", sessionId: "y", uriScheme: "vscode", appRoot: "/" },
  Disposable, EventEmitter, CancellationTokenSource, Uri,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ThemeColor: class { constructor(id) { this.id = id; } },
  window: new Proxy({
    createStatusBarItem: () => { const item = { text: "", show() {}, hide() {}, dispose() {} }; statusItems.push(item); return item; },
    createOutputChannel: (name) => ({ name, appendLine: log, append: log, info: log, warn: log, error: log, debug: log, trace: log, show() {}, clear() {}, dispose() {}, replace() {}, logLevel: 2, onDidChangeLogLevel: event }),
    showErrorMessage: async (m) => { console.error("ERROR:", m); },
    showTextDocument: async () => undefined,
    showWarningMessage: async (m) => { console.error("WARN:", m); },
    showInformationMessage: async (m) => { console.error("INFO:", m); },
    onDidChangeActiveTextEditor: event, onDidChangeVisibleTextEditors: event, onDidChangeTextEditorSelection: event,
    visibleTextEditors: [], activeTextEditor: undefined, tabGroups: { all: [], onDidChangeTabs: event, onDidChangeTabGroups: event },
    withProgress: async (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
  }, { get: (t, p) => (p in t ? t[p] : universal(`window.${String(p)}`)) }),
  workspace: new Proxy({
    getConfiguration: (section) => ({
      get: (key, fallback) => { const full = section ? `${section}.${key}` : key; return full in settings ? settings[full] : fallback; },
      has: () => false, inspect: () => undefined, update: async () => undefined,
    }),
    workspaceFolders: undefined, textDocuments: [], notebookDocuments: [],
    onDidChangeConfiguration: event, onDidOpenTextDocument: event, onDidCloseTextDocument: event, onDidChangeTextDocument: event,
    onDidSaveTextDocument: event, onWillSaveTextDocument: event, onDidChangeWorkspaceFolders: event,
    onDidOpenNotebookDocument: event, onDidCloseNotebookDocument: event, onDidChangeNotebookDocument: event, onDidSaveNotebookDocument: event,
    onDidCreateFiles: event, onDidRenameFiles: event, onDidDeleteFiles: event, onWillCreateFiles: event, onWillRenameFiles: event, onWillDeleteFiles: event,
    openTextDocument: async (options) => { opened.push(options); return options; },
    createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
  }, { get: (t, p) => (p in t ? t[p] : universal(`workspace.${String(p)}`)) }),
  commands: { registerCommand: (id, fn) => { if (commands.has(id)) throw new Error(`command '${id}' already exists`); commands.set(id, fn); return new Disposable(() => commands.delete(id)); }, executeCommand: async () => undefined, getCommands: async () => [...commands.keys()] },
  extensions: { getExtension: () => undefined, all: [], onDidChange: event },
  languages: new Proxy({ match: () => 0, onDidChangeDiagnostics: event, createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {}, forEach() {}, get() { return []; }, has() { return false; } }) }, { get: (t, p) => (p in t ? t[p] : () => new Disposable()) }),
};
const vscode = new Proxy(stub, { get: (t, p) => (p in t ? t[p] : universal(`vscode.${String(p)}`)) });

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === "vscode" ? "vscode" : resolve.call(this, request, ...rest); };
require.cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: vscode };

(async () => {
  const ext = require(process.argv[2]);
  const context = { subscriptions: [], extensionPath: path.dirname(process.argv[2]), globalState: { get() {}, update() {} }, workspaceState: { get() {}, update() {} } };
  await ext.activate(context);
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const text = statusItems[0] && statusItems[0].text;
    if (text && /sqlscribe: \S/.test(text) && text.includes("$(book)")) { console.log("STATUS", text); break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  // A palette command that goes through the real client to the real server and back.
  await commands.get("sqlscribe.client.showStats")();
  console.log("STATS", JSON.stringify(opened[0] && opened[0].content.split("\n")[0]));
  console.log("COMMANDS", [...commands.keys()].sort().join(","));
  await ext.deactivate();
  process.exit(0);
})().catch((e) => { console.error("FAILED", e); process.exit(1); });
