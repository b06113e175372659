// Prints each package entry's minified + gzipped size (dependencies and peers excluded, as a
// bundler would resolve them once for the host app) and fails when one exceeds its budget.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { publishablePackages } from "./workspace-packages.mjs";

const budgets = JSON.parse(readFileSync(new URL("./size-budgets.json", import.meta.url), "utf8"));
const rows = [];
let over = 0;
for (const pkg of publishablePackages()) {
  const external = [
    ...Object.keys(pkg.manifest.dependencies ?? {}),
    ...Object.keys(pkg.manifest.peerDependencies ?? {}),
  ];
  for (const subpath of pkg.subpaths) {
    const target = pkg.manifest.exports[subpath];
    const file = join(pkg.dir, typeof target === "string" ? target : target.default);
    const output = await build({
      entryPoints: [file],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "node",
      write: false,
      external: [...external.flatMap((name) => [name, `${name}/*`]), "node:*"],
      logLevel: "silent",
    });
    const bytes = gzipSync(output.outputFiles[0].contents, { level: 9 }).length;
    const key = `${pkg.name}${subpath === "." ? "" : subpath.slice(1)}`;
    const budget = budgets[key];
    const ok = budget === undefined || bytes <= budget;
    if (!ok) over++;
    rows.push({
      entry: key,
      "min+gz": `${(bytes / 1024).toFixed(2)} kB`,
      budget: budget ? `${(budget / 1024).toFixed(0)} kB` : "none",
      ok: ok ? "yes" : "OVER",
    });
  }
}
console.table(rows);
const missing = rows.filter((row) => row.budget === "none");
if (missing.length > 0) console.warn(`No budget for: ${missing.map((row) => row.entry).join(", ")}`);
if (over > 0) {
  console.error(`${over} entr${over === 1 ? "y is" : "ies are"} over budget (scripts/size-budgets.json).`);
  process.exit(1);
}
