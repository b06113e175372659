/**
 * @internal Names a tool option in error messages: `tools.<name>.<key>` for tools built in code,
 * `available_tools.<index>.config.<key>` (and friends) for tools read from a stored agent record.
 */
export type ToolFieldNames = (key: string) => string;

/** @internal The field names of a tool built in code: `tools.<name>.<key>`. */
export function toolFieldNames(toolName: string): ToolFieldNames {
  return (key) => `tools.${toolName}.${key}`;
}
