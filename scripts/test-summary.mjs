// Sums the vitest JSON reports of every workspace into one closing line, so CI (and people)
// see a single count: "tests: N passed, N failed, N skipped".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const folders = manifest.workspaces.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => join(pattern.slice(0, -2), name))
    : [pattern],
);
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const folder of folders) {
  const file = join(root, folder, "test-results.json");
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  rows.push(
    `${folder}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
}
console.log(rows.join("\n"));
if (passed + failed === 0) {
  console.error("No test results found: did `turbo run test` run?");
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
