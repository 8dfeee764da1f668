// Temporary folders that tests make, removed when the test that made them finishes (pass or fail).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onTestFinished } from "vitest";

export function scratchDir(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}
