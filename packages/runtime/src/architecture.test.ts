import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as kit from "./kit/index.js";

const source = fileURLToPath(new URL(".", import.meta.url));
const packages = join(source, "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("architecture", () => {
  it("the spec imports nothing from the kit or the test kit", () => {
    const spec = files(source).filter((path) => {
      const inside = relative(source, path);
      return !inside.startsWith("kit/") && !inside.startsWith("testing/");
    });
    expect(spec.length).toBeGreaterThan(20);
    const offenders = spec.filter((path) =>
      /from "(\.\.?\/)+(kit|testing)\//.test(readFileSync(path, "utf8")),
    );
    expect(offenders.map((path) => relative(source, path))).toEqual([]);
  });

  it("the kit exports nothing that no runtime uses", () => {
    const runtimeSources = ["runtime-legacy", "runtime-mastra", "durable"]
      .flatMap((name) => files(join(packages, name, "src")))
      .map((path) => readFileSync(path, "utf8"))
      .join("\n");
    const unused = Object.keys(kit).filter((name) => !new RegExp(`\\b${name}\\b`).test(runtimeSources));
    expect(unused).toEqual([]);
  });
});
