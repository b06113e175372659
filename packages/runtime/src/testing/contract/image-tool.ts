import { z } from "zod";
import { defineTool } from "../../tools/define-tool.js";

/** A 1×1 transparent PNG, base64. @internal */
export const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/** The image tool's model-facing content, as the provider spec (v4) has it. @internal */
export const IMAGE_CONTENT = {
  type: "content",
  value: [
    { type: "text", text: "A red pixel." },
    { type: "file", data: { type: "data", data: PIXEL }, mediaType: "image/png" },
    { type: "file", data: { type: "data", data: PIXEL }, mediaType: "image/png", filename: "pixel.png" },
  ],
};

/** A tool whose output the model sees as text, an image (older `image-data` name) and a file. @internal */
export const imageTool = defineTool({
  name: "snapshot",
  description: "Takes a picture",
  inputSchema: z.object({}),
  outputSchema: z.object({ caption: z.string(), png: z.string() }),
  execute: () => ({ caption: "A red pixel.", png: PIXEL }),
  toModelOutput: ({ caption, png }) => ({
    type: "content",
    value: [
      { type: "text", text: caption },
      { type: "image-data", data: png, mediaType: "image/png" },
      { type: "file", data: { type: "data", data: png }, mediaType: "image/png", filename: "pixel.png" },
    ],
  }),
});
