// The status bar item: which model is active and what it is doing.
import * as vscode from "vscode";

export interface ServerStatus {
  state: "loading" | "idle" | "generating" | "error" | "stopped" | "starting";
  model: string;
  message?: string;
  pending?: number;
  // Tables the server is still documenting in the background (setting sqlscribe.prefetch).
  ahead?: number;
}

const ICONS: Record<ServerStatus["state"], string> = {
  starting: "$(loading~spin)",
  loading: "$(loading~spin)",
  generating: "$(sync~spin)",
  idle: "$(book)",
  error: "$(warning)",
  stopped: "$(circle-slash)",
};

export function shortModel(model: string): string {
  // Registry model ids look like "name:version:sha"; people know the name.
  if (!model || model.startsWith("(")) {
    return "";
  }
  return model.split(":")[0];
}

export function describe(status: ServerStatus): { text: string; tooltip: string } {
  const model = shortModel(status.model);
  const label = model ? `sqlscribe: ${model}` : "sqlscribe";
  let text = `${ICONS[status.state]} ${label}`;
  if (status.state === "generating" && status.pending && status.pending > 1) {
    text += ` (${status.pending})`;
  }
  const lines = [`State: ${status.state}`];
  if (status.model && !status.model.startsWith("(")) {
    lines.push(`Model: ${status.model}`);
  }
  if (status.message) {
    lines.push(status.message);
  }
  if (status.ahead && status.ahead > 0) {
    lines.push(`${status.ahead} ${status.ahead === 1 ? "table" : "tables"} to document ahead (setting sqlscribe.prefetch)`);
  }
  lines.push("Click to select a model");
  return { text, tooltip: lines.join("\n") };
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  current: ServerStatus = { state: "starting", model: "" };

  constructor() {
    this.item = vscode.window.createStatusBarItem("sqlscribe.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "sqlscribe";
    this.item.command = "sqlscribe.client.selectModel";
    this.update(this.current);
    this.item.show();
  }

  update(status: ServerStatus): void {
    this.current = status;
    const { text, tooltip } = describe(status);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      status.state === "error" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
