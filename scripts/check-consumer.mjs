// Tests the packed packages as a new user gets them: `npm pack`s every publishable package,
// installs the tarballs into a throwaway project under the OS temp dir (no network: tarballs are
// extracted into node_modules, third-party dependencies and peers are symlinked from this repo's
// node_modules, vitest deliberately left out), then
//   - typechecks scripts/consumer-fixture/ with `strict` and `skipLibCheck: false` as ESM and as
//     CommonJS (`nodenext`), under `bundler` resolution, and with `exactOptionalPropertyTypes`
//     (that variant also has vitest and typechecks `@flowmaestro/runtime/testing/contract`);
//   - compiles the ESM and CommonJS consumers and runs them on Node: both runtimes execute an
//     agent on the scripted model of `@flowmaestro/runtime/testing`, with vitest not resolvable,
//     with memory on a libSQL file, a JSON-Schema tool and an MCP tool (the fixture's own
//     `createMcpServer`, mcp-server.ts, run as a child process over stdio), and suspend/resume.
// Packages must be built first (`npm test` builds before it runs checks).
//
// Usage: node scripts/check-consumer.mjs [--tarballs DIR]   (DIR: already packed *.tgz files)
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { publishablePackages } from "./workspace-packages.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixture = join(root, "scripts", "consumer-fixture");
const rootModules = join(root, "node_modules");
// Entry points that need vitest: typechecked in the variant that has it, never loaded.
const VITEST_ENTRIES = new Set(["@flowmaestro/runtime/testing/contract", "@flowmaestro/memory/testing"]);
// Always linked: what a TypeScript user on Node has besides our dependencies.
const TOOLCHAIN = ["typescript", "@types/node"];

const started = Date.now();
let passed = 0;
let failed = 0;
function pass(what) {
  passed++;
  console.log(`ok   ${what}`);
}
function fail(what, details = "") {
  failed++;
  console.error(`FAIL ${what}${details ? `\n${details.replace(/^/gm, "     ")}` : ""}`);
}

const tarballsFlag = process.argv.indexOf("--tarballs");
const tarballsDir = tarballsFlag === -1 ? undefined : resolve(process.argv[tarballsFlag + 1] ?? "");
const temp = mkdtempSync(join(tmpdir(), "flowmaestro-consumer-"));
// Remove the temp dir however the process ends: normally, on an uncaught error (e.g. EPIPE when
// the output is piped into `head`), or on Ctrl-C.
const cleanUp = () => rmSync(temp, { recursive: true, force: true });
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => process.exit(1));
try {
  await main();
} catch (error) {
  fail("consumer check", String(error?.stack ?? error));
} finally {
  cleanUp();
}
console.log(
  `consumer check: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
process.exit(failed === 0 ? 0 : 1);

async function main() {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    throw new Error(`Node ${process.versions.node}: run this through npm (npm test) to get Node 22.`);
  }
  const tarballs = tarballsDir ? listTarballs(tarballsDir) : pack(join(temp, "packs"));

  // Tree A: what a user without vitest has. Tree B: the same plus vitest (for ./testing/contract).
  const plain = join(temp, "plain");
  const packages = install(tarballs, join(plain, "node_modules"));
  const withVitest = join(temp, "with-vitest");
  cpSync(join(plain, "node_modules"), join(withVitest, "node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  link(join(withVitest, "node_modules"), "vitest");
  checkVitestUnresolvable(join(plain, "node_modules", "@flowmaestro", "runtime"));

  const entries = packages.flatMap((pkg) =>
    pkg.subpaths.map((subpath) => (subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`)),
  );
  const runnable = entries.filter((entry) => !VITEST_ENTRIES.has(entry));
  const contract = entries.filter((entry) => VITEST_ENTRIES.has(entry));
  const strictCompilerOptions = {
    module: "nodenext",
    moduleResolution: "nodenext",
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noEmit: true,
  };
  const variants = [
    { name: "esm nodenext", tree: plain, type: "module", run: true, compilerOptions: { module: "nodenext" } },
    {
      name: "cjs nodenext",
      tree: plain,
      type: "commonjs",
      run: true,
      compilerOptions: { module: "nodenext" },
    },
    {
      name: "esm bundler",
      tree: plain,
      type: "module",
      compilerOptions: { module: "preserve", moduleResolution: "bundler", noEmit: true },
    },
    {
      name: `esm nodenext exactOptionalPropertyTypes${contract.length > 0 ? " + testing/contract" : ""}`,
      tree: withVitest,
      type: "module",
      withContract: contract.length > 0,
      compilerOptions: strictCompilerOptions,
    },
  ];
  if (contract.length === 0)
    console.log("note: no ./testing/contract entry exported; its typecheck is skipped");

  // The typechecks run one after another in this process; each consumer run is a child process
  // that goes on while the next variant is checked.
  const runs = [];
  for (const [index, variant] of variants.entries()) {
    runs.push(checkVariant(variant, index, runnable));
    await new Promise((resolvePromise) => setImmediate(resolvePromise));
  }
  await Promise.all(runs);
}

/** Packs every publishable package into `dir`; returns the tarball paths. */
function pack(dir) {
  mkdirSync(dir, { recursive: true });
  const names = publishablePackages(root).map((pkg) => pkg.name);
  const workspaces = names.flatMap((name) => ["--workspace", name]);
  const output = execFileSync(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", dir, ...workspaces],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const tarballs = JSON.parse(output).map((entry) => join(dir, entry.filename));
  pass(`npm pack ${names.join(" ")}`);
  return tarballs;
}

function listTarballs(dir) {
  const tarballs = readdirSync(dir)
    .filter((file) => file.endsWith(".tgz"))
    .map((file) => join(dir, file));
  if (tarballs.length === 0) throw new Error(`no .tgz files in ${dir}`);
  return tarballs;
}

/**
 * Extracts each tarball into `modules/<name>` and symlinks the third-party dependencies and peers
 * the packed manifests list (optional peers only when this repo has them; never vitest).
 */
function install(tarballs, modules) {
  const packages = tarballs.map((tarball) => {
    const staging = mkdtempSync(join(temp, "extract-"));
    execFileSync("tar", ["-xzf", tarball, "-C", staging, "--strip-components=1"]);
    const manifest = JSON.parse(readFileSync(join(staging, "package.json"), "utf8"));
    const dir = join(modules, manifest.name);
    mkdirSync(dirname(dir), { recursive: true });
    cpSync(staging, dir, { recursive: true });
    rmSync(staging, { recursive: true, force: true });
    const subpaths = Object.keys(manifest.exports ?? { ".": null }).filter((key) => key !== "./package.json");
    return { name: manifest.name, manifest, subpaths };
  });
  const ours = new Set(packages.map((pkg) => pkg.name));
  const needed = new Set(TOOLCHAIN);
  const problems = [];
  for (const { name, manifest } of packages) {
    const optional = manifest.peerDependenciesMeta ?? {};
    for (const [dependency, isPeer] of [
      ...Object.keys(manifest.dependencies ?? {}).map((dependency) => [dependency, false]),
      ...Object.keys(manifest.peerDependencies ?? {}).map((dependency) => [dependency, true]),
    ]) {
      if (dependency === "vitest") continue;
      if (ours.has(dependency)) continue;
      if (dependency.startsWith("@flowmaestro/")) {
        problems.push(`${name} depends on ${dependency}, which is not a packed publishable package`);
      } else if (existsSync(join(rootModules, dependency, "package.json"))) {
        needed.add(dependency);
      } else if (!(isPeer && optional[dependency]?.optional)) {
        problems.push(`${name} needs ${dependency}, which is not in ${rootModules}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  for (const dependency of needed) link(modules, dependency);
  pass(`install ${packages.length} tarballs + ${needed.size} linked dependencies (no vitest)`);
  return packages;
}

function link(modules, name) {
  const target = join(modules, name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(realpathSync(join(rootModules, name)), target, "dir");
}

/** The point of the plain tree: nothing on the lookup path of our packages holds vitest. */
function checkVitestUnresolvable(fromDir) {
  const paths = createRequire(join(fromDir, "package.json")).resolve.paths("vitest") ?? [];
  const found = paths.filter((dir) => existsSync(join(dir, "vitest", "package.json")));
  if (found.length > 0) throw new Error(`vitest is resolvable from the consumer: ${found.join(", ")}`);
}

/** Typechecks one consumer variant and, for the runnable ones, compiles and runs it. */
async function checkVariant(variant, index, runnable) {
  const dir = join(variant.tree, `consumer-${index}`);
  mkdirSync(dir, { recursive: true });
  const files = [
    "consumer.ts",
    "mcp-server.ts",
    "entries.ts",
    ...(variant.withContract ? ["contract.ts"] : []),
  ];
  cpSync(join(fixture, "consumer.ts"), join(dir, "consumer.ts"));
  cpSync(join(fixture, "mcp-server.ts"), join(dir, "mcp-server.ts"));
  if (variant.withContract) cpSync(join(fixture, "contract.ts"), join(dir, "contract.ts"));
  writeFileSync(join(dir, "entries.ts"), entriesModule(runnable));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `consumer-${index}`, private: true, type: variant.type }),
  );
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    target: "ES2023",
    lib: ["ES2023"],
    types: ["node"],
    outDir: "dist",
    rootDir: ".",
    ...variant.compilerOptions,
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files }, null, 2));

  const config = ts.parseJsonConfigFileContent({ compilerOptions, files }, ts.sys, dir);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  // Third-party declarations (e.g. @mastra/core's, or `ai`'s, which want DOM types) are not ours
  // to fix, and many do not compile under skipLibCheck: false. So rather than check the whole
  // program, ask for the diagnostics of our packed .d.ts files and of the consumer's own files
  // only: with skipLibCheck off those are checked in full (third-party types they use are still
  // resolved), and the rest of node_modules is never checked, which is also what keeps this fast.
  const ourModules = join(variant.tree, "node_modules", "@flowmaestro") + sep;
  const checked = program
    .getSourceFiles()
    .filter(
      (file) => file.fileName.startsWith(ourModules) || !file.fileName.split("/").includes("node_modules"),
    );
  const diagnostics = [
    ...config.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
  ].filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  const ourDeclarations = checked.filter((file) => file.fileName.startsWith(ourModules)).length;
  const what = `typecheck ${variant.name} (${ourDeclarations} .d.ts files of ours)`;
  if (diagnostics.length === 0) pass(what);
  else
    fail(what, diagnostics.map((diagnostic) => formatDiagnostic(diagnostic, variant.tree, dir)).join("\n"));
  if (!variant.run) return;

  // Emit and run even when the typecheck failed: a broken .d.ts and a broken runtime are two
  // findings. Emit file by file: emitting the whole program would make tsc check all of
  // node_modules first (that alone takes longer than everything else here).
  const emitErrors = [];
  for (const file of checked.filter((source) => !source.isDeclarationFile)) {
    const emitted = program.emit(file);
    if (emitted.emitSkipped) emitErrors.push(`${relative(dir, file.fileName)}: emit skipped`);
    emitErrors.push(
      ...emitted.diagnostics
        .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
        .map((diagnostic) => formatDiagnostic(diagnostic, variant.tree, dir)),
    );
  }
  if (emitErrors.length > 0) {
    fail(`compile ${variant.name}`, emitErrors.join("\n"));
    return;
  }
  const result = await run(process.execPath, [join(dir, "dist", "consumer.js")], dir, { NODE_PATH: "" });
  if (result.code === 0) pass(`run ${variant.name}: ${result.output.trim()}`);
  else fail(`run ${variant.name}`, result.output.trim());
}

/** `file(line,col): error TSxxxx: message`, with our files named from node_modules on. */
function formatDiagnostic(diagnostic, tree, cwd) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ");
  if (!diagnostic.file) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const fileName = diagnostic.file.fileName;
  const modules = join(tree, "node_modules") + sep;
  const shown = fileName.startsWith(modules) ? fileName.slice(modules.length) : relative(cwd, fileName);
  return `${shown}(${line + 1},${character + 1}): error TS${diagnostic.code}: ${message}`;
}

/** A module that imports every entry point, so each one's types resolve and each one loads. */
function entriesModule(entries) {
  const imports = entries.map((entry, index) => `import * as entry${index} from ${JSON.stringify(entry)};`);
  const fields = entries.map((entry, index) => `  ${JSON.stringify(entry)}: entry${index},`);
  return `${imports.join("\n")}\n\nexport const entryPoints: Record<string, object> = {\n${fields.join("\n")}\n};\n`;
}

function run(command, args, cwd, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}
