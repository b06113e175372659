import { describe, expect, it } from "vitest";
import {
  type McpToolOutput,
  mcpResultText as textOfResult,
  mcpToolModelOutput as toModelOutput,
} from "./mcp-result.js";

const output = (content: unknown[], structuredContent?: Record<string, unknown>): McpToolOutput =>
  ({ content, ...(structuredContent ? { structuredContent } : {}) }) as McpToolOutput;

describe("toModelOutput", () => {
  it("sends text-only results as one text", () => {
    expect(
      toModelOutput(
        output([
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ]),
      ),
    ).toEqual({ type: "text", value: "a\nb" });
  });

  it("sends images as image-data and audio as file-data, in order with the text", () => {
    expect(
      toModelOutput(
        output([
          { type: "text", text: "look:" },
          { type: "image", data: "aW1n", mimeType: "image/jpeg" },
          { type: "audio", data: "c25k", mimeType: "audio/mpeg" },
        ]),
      ),
    ).toEqual({
      type: "content",
      value: [
        { type: "text", text: "look:" },
        { type: "image-data", data: "aW1n", mediaType: "image/jpeg" },
        { type: "file-data", data: "c25k", mediaType: "audio/mpeg" },
      ],
    });
  });

  it("sends embedded resources as their text under their URI, or their blob as a file", () => {
    expect(
      toModelOutput(
        output([
          {
            type: "resource",
            resource: { uri: "file:///a/notes.md", mimeType: "text/markdown", text: "# Notes" },
          },
          { type: "resource", resource: { uri: "file:///a/chart.png", mimeType: "image/png", blob: "cG5n" } },
          {
            type: "resource",
            resource: { uri: "file:///a/report%201.pdf?v=2", mimeType: "application/pdf", blob: "cGRm" },
          },
          { type: "resource", resource: { uri: "demo://blob", blob: "eA==" } },
        ]),
      ),
    ).toEqual({
      type: "content",
      value: [
        { type: "text", text: "[Resource file:///a/notes.md (text/markdown)]\n# Notes" },
        { type: "image-data", data: "cG5n", mediaType: "image/png" },
        { type: "file-data", data: "cGRm", mediaType: "application/pdf", filename: "report 1.pdf" },
        { type: "file-data", data: "eA==", mediaType: "application/octet-stream" },
      ],
    });
  });

  it("describes resource links, and unknown blocks as their JSON", () => {
    expect(
      toModelOutput(
        output([
          {
            type: "resource_link",
            uri: "https://x/y",
            name: "y",
            title: "The Y",
            mimeType: "text/html",
            description: "a page",
          },
          { type: "hologram", depth: 3 },
        ]),
      ),
    ).toEqual({
      type: "text",
      value: '[Resource link The Y <https://x/y> (text/html): a page]\n{"type":"hologram","depth":3}',
    });
  });

  it("leaves out blocks meant for the user only", () => {
    expect(
      toModelOutput(
        output([
          { type: "text", text: "for both", annotations: { audience: ["user", "assistant"] } },
          { type: "text", text: "for the user", annotations: { audience: ["user"] } },
          { type: "text", text: "for the model", annotations: { audience: ["assistant"], priority: 1 } },
        ]),
      ),
    ).toEqual({ type: "text", value: "for both\nfor the model" });
  });

  it("sends structuredContent as JSON when there is no content; nothing as an empty text", () => {
    expect(toModelOutput(output([], { total: 3 }))).toEqual({ type: "json", value: { total: 3 } });
    expect(toModelOutput(output([]))).toEqual({ type: "text", value: "" });
    // With content, the content is what the model sees (MCP's model-facing result).
    expect(toModelOutput(output([{ type: "text", text: "3 in total" }], { total: 3 }))).toEqual({
      type: "text",
      value: "3 in total",
    });
  });
});

describe("textOfResult", () => {
  it("joins the text blocks of an error result", () => {
    expect(
      textOfResult({
        content: [
          { type: "text", text: "denied" },
          { type: "image", data: "", mimeType: "image/png" },
          { type: "text", text: "try another path" },
        ],
        isError: true,
      }),
    ).toBe("denied\ntry another path");
  });
});
