// Fails `npm test`, rather than the release, on what makes `changeset status` / `changeset version`
// fail. Every .changeset/*.md (README.md aside) must parse with the changesets parser, name only
// publishable workspace packages, bump each by patch, minor or major, and carry a summary. Then
// the release plan is assembled as `changeset status` does it (minus its git comparison), which
// catches workspace and config problems too, e.g. a package without a version in the `fixed` group.
//
// Usage: node scripts/check-changesets.mjs [DIR]
//   DIR: check the changeset files in DIR only (no release plan); defaults to the repo's .changeset.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// The packages `changeset status` itself runs (dependencies of @changesets/cli).
import { assembleReleasePlan } from "@changesets/assemble-release-plan";
import { readConfig } from "@changesets/config";
import { parseChangesetFile } from "@changesets/parse";
import { readPreState } from "@changesets/pre";
import { readChangesets } from "@changesets/read";
import { getPackages } from "@manypkg/get-packages";
import { publishablePackages } from "./workspace-packages.mjs";

const BUMPS = new Set(["patch", "minor", "major"]);
const root = fileURLToPath(new URL("..", import.meta.url));
const folder = process.argv[2] ? resolve(process.argv[2]) : join(root, ".changeset");
const publishable = new Set(publishablePackages(root).map((pkg) => pkg.name));

const files = readdirSync(folder)
  .filter((file) => file.endsWith(".md") && file.toLowerCase() !== "readme.md")
  .sort();
let valid = 0;
const errors = [];
for (const file of files) {
  const problems = checkFile(readFileSync(join(folder, file), "utf8"));
  if (problems.length === 0) valid++;
  else errors.push(report(relative(process.cwd(), join(folder, file)), problems));
}
let plan = "";
if (errors.length === 0 && !process.argv[2]) {
  const problems = await checkReleasePlan();
  if (typeof problems === "string") plan = `, release plan: ${problems}`;
  else errors.push(report("release plan (as `changeset status` assembles it)", problems));
}
if (errors.length > 0) {
  console.error(errors.join("\n"));
  const invalid = files.length - valid;
  console.error(`changesets: ${valid} valid, ${invalid > 0 ? `${invalid} invalid` : "release plan failed"}`);
  process.exit(1);
}
console.log(`changesets: ${valid} valid${plan}`);

function report(what, problems) {
  return `${what}:\n${problems.map((problem) => `  ${problem}`).join("\n")}`;
}

/** The problems of one changeset file (none when it is valid). */
function checkFile(contents) {
  let parsed;
  try {
    parsed = parseChangesetFile(contents);
  } catch (error) {
    // The parser's message says what is wrong, then quotes an example and the file's contents.
    const lines = String(error?.message ?? error).split("\n");
    const quote = lines.findIndex((line) =>
      /^(Example|Expected format|Received|Changeset contents|Frontmatter content)\b/.test(line),
    );
    return [lines.slice(0, Math.min(quote === -1 ? lines.length : quote, 4)).join(" ")];
  }
  const problems = [];
  // An empty front matter is what a formatter leaves when it turns `"pkg": minor` into a heading.
  if (parsed.releases.length === 0) problems.push("front matter names no package");
  for (const { name, type } of parsed.releases) {
    if (!publishable.has(name)) {
      problems.push(`"${name}" is not a publishable package (known: ${[...publishable].join(", ")})`);
    }
    if (!BUMPS.has(type)) problems.push(`"${name}": bump "${type}" is not one of ${[...BUMPS].join(", ")}`);
  }
  if (parsed.summary.trim() === "") problems.push("summary is empty");
  return problems;
}

/** Assembles the release plan; returns its summary, or the problems that stop it. */
async function checkReleasePlan() {
  const packages = await getPackages(root);
  const { config, errors: configErrors, warnings } = await readConfig(root, packages);
  if (configErrors?.length) return configErrors.map((error) => `.changeset/config.json: ${error}`);
  for (const warning of warnings ?? []) console.warn(`changesets: .changeset/config.json: ${warning}`);
  // assembleReleasePlan only says "Invalid version ... undefined" when a fixed or linked group
  // holds a package without a version (ignored or not): a glob like `@flowmaestro/*` also
  // matches private workspaces such as examples and test suites. Name them first.
  const byName = new Map(packages.packages.map((pkg) => [pkg.packageJson.name, pkg]));
  const problems = [];
  for (const [kind, groups] of [
    ["fixed", config.fixed],
    ["linked", config.linked],
  ]) {
    for (const name of groups.flat()) {
      const pkg = byName.get(name);
      if (pkg && pkg.packageJson.version === undefined) {
        problems.push(
          `${name} (${pkg.relativeDir}) has no "version" but is in a "${kind}" group of ` +
            ".changeset/config.json: list only versioned packages there",
        );
      }
    }
  }
  // The public packages version together (one fixed group, AGENTS.md).
  const fixed = new Set(config.fixed.flat());
  for (const name of publishable) {
    if (!fixed.has(name))
      problems.push(`${name} is publishable but not in the "fixed" group of .changeset/config.json`);
  }
  if (problems.length > 0) return problems;
  try {
    const releasePlan = assembleReleasePlan(
      await readChangesets(root),
      packages,
      config,
      await readPreState(root),
    );
    const bumps = releasePlan.releases.filter((release) => release.type !== "none");
    return bumps.map((release) => `${release.name}@${release.newVersion}`).join(" ") || "nothing to release";
  } catch (error) {
    return [String(error?.message ?? error)];
  }
}
