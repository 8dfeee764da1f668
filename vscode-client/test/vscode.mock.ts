// A small stand-in for the `vscode` module: enough of the API for the extension, with records
// of what the extension did so that tests can assert on it.
import { vi } from "vitest";

export const recorded = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  errors: [] as string[],
  infos: [] as string[],
  warnings: [] as string[],
  statusItems: [] as FakeStatusBarItem[],
  configuration: new Map<string, unknown>(),
  updates: [] as { key: string; value: unknown }[],
  openedDocuments: [] as { language?: string; content?: string }[],
  quickPickAnswer: undefined as unknown,
  errorAnswer: undefined as string | undefined,
  executeResults: new Map<string, unknown>(),
  configListeners: [] as ((e: { affectsConfiguration: (key: string) => boolean }) => void)[],
  workspaceFolders: [] as { uri: { fsPath: string } }[],
  foundFiles: [] as { fsPath: string; toString: () => string }[],
  activeEditor: undefined as unknown,
  appliedEdits: [] as unknown[],
  extensions: new Map<string, unknown>(),
};

export function reset(): void {
  recorded.commands.clear();
  recorded.executed.length = 0;
  recorded.errors.length = 0;
  recorded.infos.length = 0;
  recorded.warnings.length = 0;
  recorded.statusItems.length = 0;
  recorded.configuration.clear();
  recorded.updates.length = 0;
  recorded.openedDocuments.length = 0;
  recorded.quickPickAnswer = undefined;
  recorded.errorAnswer = undefined;
  recorded.executeResults.clear();
  recorded.configListeners.length = 0;
  recorded.workspaceFolders = [];
  recorded.foundFiles = [];
  recorded.activeEditor = undefined;
  recorded.appliedEdits.length = 0;
  recorded.extensions.clear();
}

export class FakeStatusBarItem {
  text = "";
  tooltip: string | undefined;
  command: string | undefined;
  name: string | undefined;
  backgroundColor: unknown;
  visible = false;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

export class ThemeColor {
  constructor(public readonly id: string) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export class Position {
  constructor(
    public readonly line: number,
    public readonly character: number,
  ) {}
}

export class Range {
  constructor(
    public readonly start: Position,
    public readonly end: Position,
  ) {}
}

export class CancellationTokenSource {
  private listeners: (() => void)[] = [];
  token = {
    isCancellationRequested: false,
    onCancellationRequested: (fn: () => void) => {
      this.listeners.push(fn);
      return { dispose: () => undefined };
    },
  };
  cancel(): void {
    this.token.isCancellationRequested = true;
    for (const fn of this.listeners) {
      fn();
    }
  }
}

export const lastProgress = { source: undefined as CancellationTokenSource | undefined, reports: [] as unknown[] };

export const window = {
  createStatusBarItem: vi.fn(() => {
    const item = new FakeStatusBarItem();
    recorded.statusItems.push(item);
    return item;
  }),
  createOutputChannel: vi.fn(() => ({ appendLine: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), dispose: vi.fn(), show: vi.fn() })),
  showErrorMessage: vi.fn(async (message: string) => {
    recorded.errors.push(message);
    return recorded.errorAnswer;
  }),
  showInformationMessage: vi.fn(async (message: string) => {
    recorded.infos.push(message);
    return undefined;
  }),
  showWarningMessage: vi.fn(async (message: string) => {
    recorded.warnings.push(message);
    return undefined;
  }),
  showQuickPick: vi.fn(async () => recorded.quickPickAnswer),
  showOpenDialog: vi.fn(async () => undefined),
  showTextDocument: vi.fn(async () => undefined),
  withProgress: vi.fn(async (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
    const source = new CancellationTokenSource();
    lastProgress.source = source;
    lastProgress.reports = [];
    return task({ report: (value: unknown) => lastProgress.reports.push(value) }, source.token);
  }),
  get activeTextEditor() {
    return recorded.activeEditor;
  },
};

export const commands = {
  registerCommand: vi.fn((id: string, fn: (...args: unknown[]) => unknown) => {
    if (recorded.commands.has(id)) {
      throw new Error(`command '${id}' already exists`);
    }
    recorded.commands.set(id, fn);
    return { dispose: () => recorded.commands.delete(id) };
  }),
  executeCommand: vi.fn(async (command: string, ...args: unknown[]) => {
    recorded.executed.push({ command, args });
    return recorded.executeResults.get(command);
  }),
};

function configuration(section: string) {
  return {
    get: <T>(key: string, fallback?: T): T => {
      const full = `${section}.${key}`;
      return (recorded.configuration.has(full) ? recorded.configuration.get(full) : fallback) as T;
    },
    update: vi.fn(async (key: string, value: unknown) => {
      recorded.updates.push({ key: `${section}.${key}`, value });
      recorded.configuration.set(`${section}.${key}`, value);
    }),
  };
}

export const workspace = {
  getConfiguration: vi.fn((section: string) => configuration(section)),
  onDidChangeConfiguration: vi.fn((fn: (e: { affectsConfiguration: (key: string) => boolean }) => void) => {
    recorded.configListeners.push(fn);
    return { dispose: () => undefined };
  }),
  get workspaceFolders() {
    return recorded.workspaceFolders;
  },
  findFiles: vi.fn(async () => recorded.foundFiles),
  asRelativePath: vi.fn((uri: { fsPath: string }) => uri.fsPath.replace(/^\/w\//, "")),
  openTextDocument: vi.fn(async (options: { language?: string; content?: string }) => {
    recorded.openedDocuments.push(options);
    return options;
  }),
  applyEdit: vi.fn(async (edit: unknown) => {
    recorded.appliedEdits.push(edit);
    return true;
  }),
};

export const extensions = {
  getExtension: vi.fn((id: string) => recorded.extensions.get(id)),
};

export const Uri = {
  file: (fsPath: string) => ({ fsPath, toString: () => `file://${fsPath}` }),
  parse: (value: string) => ({ fsPath: value.replace(/^file:\/\//, ""), toString: () => value }),
};
