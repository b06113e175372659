// Proves every export of every package loads on this Node both as ESM (`import`) and from
// CommonJS (`require(esm)`, Node 22.12+), from the built dist, in a clean child process.
import { execFileSync } from "node:child_process";
import { publishablePackages } from "./workspace-packages.mjs";

let passed = 0;
let failed = 0;
for (const pkg of publishablePackages()) {
  for (const subpath of pkg.subpaths) {
    const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const checks = {
      import: `import(${JSON.stringify(specifier)}).then((m) => { if (Object.keys(m).length === 0) throw new Error("no exports"); })`,
      require: `const m = require(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error("no exports");`,
    };
    for (const [kind, code] of Object.entries(checks)) {
      try {
        execFileSync(
          process.execPath,
          ["--input-type", kind === "import" ? "module" : "commonjs", "-e", code],
          {
            stdio: "pipe",
          },
        );
        passed++;
      } catch (error) {
        failed++;
        console.error(`FAIL ${kind} ${specifier}\n${String(error.stderr ?? error).trim()}`);
      }
    }
  }
}
console.log(`load check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
