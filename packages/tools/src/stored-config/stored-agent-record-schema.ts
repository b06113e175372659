import { z } from "zod";
import { memorySettingsSchema } from "./memory-settings.js";
import { sqlId, sqlJson, sqlNumber, sqlOptional } from "./sql-values.js";

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A JSON Schema document: an object (its keywords are checked when the tool is built). */
const jsonSchemaObject = z.looseObject({});

const configBase = {
  timeoutMs: sqlNumber(z.number().int().positive().optional()),
  outputSchema: sqlJson(
    z.union([jsonSchemaObject, z.boolean()], { error: "a JSON Schema (an object or a boolean)" }).optional(),
  ),
  needsApproval: sqlOptional(z.boolean()),
};

const toolBase = {
  id: sqlOptional(z.union([z.string(), z.number()])),
  name: z
    .string()
    .regex(TOOL_NAME, { error: "a name of 1 to 64 characters from A-Z a-z 0-9 _ - (no spaces)" }),
  description: sqlOptional(z.string()),
};

/** @internal Zod schema of one `available_tools` entry; unknown keys are dropped. */
export const storedToolSchema = z.discriminatedUnion("type", [
  z.object({
    ...toolBase,
    type: z.literal("function"),
    schema: sqlJson(jsonSchemaObject),
    config: sqlJson(z.object({ ...configBase, functionName: z.string().min(1) })),
  }),
  z.object({
    ...toolBase,
    type: z.literal("workflow"),
    schema: sqlJson(jsonSchemaObject),
    config: sqlJson(z.object({ ...configBase, workflowId: sqlId() })),
  }),
  z.object({
    ...toolBase,
    type: z.literal("knowledge_base"),
    schema: sqlJson(jsonSchemaObject.optional()),
    config: sqlJson(
      z.object({
        ...configBase,
        knowledgeBaseId: sqlId(),
        topK: sqlNumber(z.number().int().min(1).max(50).optional()),
        filter: sqlOptional(z.record(z.string(), z.unknown())),
      }),
    ),
  }),
  z.object({
    ...toolBase,
    type: z.literal("mcp"),
    schema: sqlJson(jsonSchemaObject),
    config: sqlJson(z.object({ ...configBase, serverId: sqlId(), toolName: sqlOptional(z.string().min(1)) })),
  }),
]);

/** @internal A validated `available_tools` entry. */
export type ParsedStoredTool = z.output<typeof storedToolSchema>;

/**
 * @internal Zod schema of the agent columns. `available_tools` is only checked to be a list here;
 * each entry is validated on its own so one bad tool does not hide the others' problems.
 */
export const storedAgentRowSchema = z.object({
  id: sqlOptional(z.union([z.string().min(1).max(200), z.number(), z.bigint()])),
  name: z.string().min(1).max(200),
  provider: z.string().regex(/^[^/\s]+$/, { error: 'a provider id such as "openai" (no "/" or spaces)' }),
  model: z.string().regex(/^\S+$/, { error: 'a model id such as "gpt-4o" (not empty, no spaces)' }),
  system_prompt: sqlOptional(z.string()),
  temperature: sqlNumber(z.number().min(0).max(2).optional()),
  max_tokens: sqlNumber(z.number().int().positive().optional()),
  max_iterations: sqlNumber(z.number().int().min(1).max(10_000).optional()),
  available_tools: sqlJson(z.array(z.unknown()).optional()),
  memory_config: sqlJson(memorySettingsSchema.optional()),
});
