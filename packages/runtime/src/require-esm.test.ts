import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// CommonJS hosts on Node 22 load the ESM build through require(esm).
describe("package loads from CommonJS", () => {
  for (const specifier of ["@flowmaestro/runtime", "@flowmaestro/runtime/kit", "@flowmaestro/runtime/ui"]) {
    it(`require("${specifier}")`, () => {
      const output = execFileSync(
        process.execPath,
        [
          "-e",
          `const m = require(${JSON.stringify(specifier)}); console.log(typeof (m.createAgent ?? m.RunRecorder ?? m.toUIMessageStream));`,
        ],
        { encoding: "utf8" },
      );
      expect(output.trim()).toBe("function");
    });
  }
});
