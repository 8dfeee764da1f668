import { beforeEach, describe, expect, it } from "vitest";

import { describe as describeStatus, shortModel, StatusBar } from "../src/status";
import { recorded, reset } from "./vscode.mock";

describe("status bar", () => {
  beforeEach(reset);

  it("shows the model's registry name, not its full id", () => {
    expect(shortModel("smollm2-135m-instruct:1:b179c9523d0e")).toBe("smollm2-135m-instruct");
    expect(shortModel("(not loaded)")).toBe("");
    expect(shortModel("heuristic-1")).toBe("heuristic-1");
  });

  it("has an icon and tooltip per state", () => {
    const loading = describeStatus({ state: "loading", model: "(not loaded)", message: "loading the default model" });
    expect(loading.text).toBe("$(loading~spin) sqlscribe");
    expect(loading.tooltip).toContain("loading the default model");
    const busy = describeStatus({ state: "generating", model: "smollm2-135m-instruct:1:abc", pending: 3 });
    expect(busy.text).toBe("$(sync~spin) sqlscribe: smollm2-135m-instruct (3)");
    const idle = describeStatus({ state: "idle", model: "smollm2-135m-instruct:1:abc" });
    expect(idle.text).toBe("$(book) sqlscribe: smollm2-135m-instruct");
    expect(idle.tooltip).toContain("Model: smollm2-135m-instruct:1:abc");
    const ahead = describeStatus({
      state: "generating",
      model: "smollm2-135m-instruct:1:abc",
      message: "documenting orders ahead",
      pending: 1,
      ahead: 3,
    });
    expect(ahead.text).toBe("$(sync~spin) sqlscribe: smollm2-135m-instruct");
    expect(ahead.tooltip).toContain("documenting orders ahead");
    expect(ahead.tooltip).toContain("3 tables to document ahead");
    const error = describeStatus({ state: "error", model: "heuristic-1", message: "model file missing" });
    expect(error.text).toBe("$(warning) sqlscribe: heuristic-1");
    expect(error.tooltip).toContain("model file missing");
  });

  it("updates one visible item that opens the model picker", () => {
    const bar = new StatusBar();
    const item = recorded.statusItems[0];
    expect(item.visible).toBe(true);
    expect(item.command).toBe("sqlscribe.client.selectModel");
    expect(item.text).toBe("$(loading~spin) sqlscribe");
    bar.update({ state: "error", model: "heuristic-1" });
    expect(item.backgroundColor).toBeDefined();
    bar.update({ state: "idle", model: "heuristic-1" });
    expect(item.text).toBe("$(book) sqlscribe: heuristic-1");
    expect(item.backgroundColor).toBeUndefined();
    bar.dispose();
    expect(item.visible).toBe(false);
  });
});
