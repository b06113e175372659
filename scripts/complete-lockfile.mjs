// Completes package-lock.json with the platform-specific optional packages (other OSes' and
// CPUs' binaries of biome, rollup, turbo…) that npm could not record because the registry this
// repo is developed against does not serve them. Without those entries `npm ci` refuses the
// lockfile ("Missing: … from lock file"), here and on every other platform.
//
// Each entry gets the version the parent pins and the os/cpu/libc its name states, so npm ci
// skips it on other platforms and installs it (by name and version) on its own.
//
//   node scripts/complete-lockfile.mjs          fill the gaps (run after `npm install`)
//   node scripts/complete-lockfile.mjs --check  exit 1 when entries are missing (part of npm test)
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const OS = {
  android: "android",
  darwin: "darwin",
  freebsd: "freebsd",
  linux: "linux",
  openbsd: "openbsd",
  openharmony: "openharmony",
  win32: "win32",
  windows: "win32",
  sunos: "sunos",
  netbsd: "netbsd",
  aix: "aix",
  cygwin: "cygwin",
};
const CPU = {
  arm64: "arm64",
  aarch64: "arm64",
  x64: "x64",
  64: "x64",
  ia32: "ia32",
  arm: "arm",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
  mips64el: "mips64el",
};

/** os/cpu/libc from a platform package name such as `@rollup/rollup-linux-arm-musleabihf`. */
function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.map((token) => OS[token]).find(Boolean);
  const cpu = tokens.map((token) => CPU[token]).find(Boolean);
  if (!os || !cpu) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === "linux") platform.libc = [tokens.some((token) => token.startsWith("musl")) ? "musl" : "glibc"];
  return platform;
}

const missing = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const prefix = path === "" ? "" : `${path}/`;
    const nested = `${prefix}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const platform = platformOf(name);
    if (!platform) continue; // not a platform binary: a real gap, let npm report it
    missing.push([
      hoisted,
      { version, dev: entry.dev === true ? true : undefined, optional: true, ...platform },
    ]);
  }
}

if (process.argv.includes("--check")) {
  if (missing.length > 0) {
    console.error(
      `package-lock.json lacks ${missing.length} platform package(s), e.g. ${missing[0][0]}. Run: node scripts/complete-lockfile.mjs`,
    );
    process.exit(1);
  }
  console.log("lockfile: platform packages complete");
} else {
  for (const [path, entry] of missing) lock.packages[path] = JSON.parse(JSON.stringify(entry));
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) =>
      a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0,
    ),
  );
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lockfile: added ${missing.length} platform package entr${missing.length === 1 ? "y" : "ies"}`);
}
