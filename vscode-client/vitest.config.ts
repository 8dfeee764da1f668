import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // package.test.ts rebuilds the .vsix that host.test.ts installs: one file at a time.
    fileParallelism: false,
  },
  resolve: {
    alias: {
      vscode: path.resolve(__dirname, "test/vscode.mock.ts"),
      "vscode-languageclient/node": path.resolve(__dirname, "test/languageclient.mock.ts"),
    },
  },
});
