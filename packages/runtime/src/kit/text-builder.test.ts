import { describe, expect, it } from "vitest";
import { mulberry32 } from "../testing/hostile-json.js";
import { TextBuilder } from "./text-builder.js";

describe("TextBuilder", () => {
  it("is empty at first", () => {
    const builder = new TextBuilder();
    expect(builder.toString()).toBe("");
    expect(builder.length).toBe(0);
  });

  it("gives back what was appended, in order, read at any point (seed 7, 20,000 appends)", () => {
    const next = mulberry32(7);
    const alphabet = ["a", "b", "é", "🙂", " ", "\n", "", "long piece of text "];
    const builder = new TextBuilder();
    let expected = "";
    for (let index = 0; index < 20_000; index++) {
      let delta = "";
      const size = Math.floor(next() * 4);
      for (let piece = 0; piece < size; piece++) delta += alphabet[Math.floor(next() * alphabet.length)];
      builder.append(delta);
      expected += delta;
      // Reads in the middle must not lose or reorder anything appended later.
      if (next() < 0.001) expect(builder.toString()).toBe(expected);
    }
    expect(builder.length).toBe(expected.length);
    expect(builder.toString()).toBe(expected);
    expect(builder.toString()).toBe(expected);
  });
});
