import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { AgentSdkError } from "@flowmaestro/runtime";
import { generateToolModule } from "./generate-tool-module.js";

/** Where {@link runCodegenCli} reads and writes; the defaults use the process and the file system. */
export interface CodegenCliIo {
  /** Receives the generated module when no `-o` is given. */
  stdout(text: string): void;
  /** Receives errors, warnings and progress. */
  stderr(text: string): void;
  /** Reads a UTF-8 file. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 file. */
  writeFile(path: string, text: string): Promise<void>;
}

const USAGE = `Usage: flowmaestro-tools-codegen <tools.json> [-o <out.ts>]

Turns tool definitions into a TypeScript module of Zod schemas and typed defineTool stubs.

<tools.json>  [{ name, description?, inputSchema, outputSchema? }] or { tools: [...] };
              OpenAI { type: "function", function: { name, description, parameters } } works too.
-o, --out     file to write (default: standard output)
-h, --help    show this help
`;

/**
 * The `flowmaestro-tools-codegen` command: `flowmaestro-tools-codegen <tools.json> [-o out.ts]`.
 * Returns the exit code (0 on success, 1 on bad arguments or bad input) instead of exiting,
 * so it can be tested; the `bin` script sets `process.exitCode` from it.
 *
 * @example
 * ```ts
 * process.exitCode = await runCodegenCli(process.argv.slice(2));
 * ```
 */
export async function runCodegenCli(
  argv: readonly string[],
  io: Partial<CodegenCliIo> = {},
): Promise<number> {
  const out: CodegenCliIo = {
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
    readFile: io.readFile ?? ((path) => readFile(path, "utf8")),
    writeFile: io.writeFile ?? ((path, text) => writeFile(path, text, "utf8")),
  };
  const parsed = parseArguments(argv);
  if ("help" in parsed) {
    out.stdout(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    out.stderr(`error: ${parsed.error}\n\n${USAGE}`);
    return 1;
  }
  let text: string;
  try {
    text = await out.readFile(parsed.input);
  } catch (error) {
    out.stderr(`error: cannot read ${parsed.input}: ${describeFileError(error)}\n`);
    return 1;
  }
  let definitions: unknown;
  try {
    definitions = JSON.parse(text);
  } catch (error) {
    out.stderr(`error: ${parsed.input} is not valid JSON: ${(error as Error).message}\n`);
    return 1;
  }
  let generated: ReturnType<typeof generateToolModule>;
  try {
    generated = generateToolModule(definitions, { source: basename(parsed.input) });
  } catch (error) {
    if (!AgentSdkError.isInstance(error)) throw error;
    out.stderr(`error: ${parsed.input}: ${error.message}\n`);
    return 1;
  }
  for (const warning of generated.warnings) out.stderr(`warning: ${warning}\n`);
  if (parsed.output === undefined) {
    out.stdout(generated.code);
    return 0;
  }
  try {
    await out.writeFile(parsed.output, generated.code);
  } catch (error) {
    out.stderr(`error: cannot write ${parsed.output}: ${describeFileError(error)}\n`);
    return 1;
  }
  const count = generated.tools.length;
  out.stderr(`Wrote ${count} tool${count === 1 ? "" : "s"} to ${parsed.output}\n`);
  return 0;
}

function parseArguments(
  argv: readonly string[],
): { input: string; output?: string } | { help: true } | { error: string } {
  let input: string | undefined;
  let output: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === "-h" || argument === "--help") return { help: true };
    if (argument === "-o" || argument === "--out") {
      const value = argv[++index];
      if (value === undefined || value === "") return { error: `${argument} needs a file name` };
      if (output !== undefined) return { error: "only one output file can be given" };
      output = value;
    } else if (argument.startsWith("--out=")) {
      output = argument.slice("--out=".length);
    } else if (argument.startsWith("-")) {
      return { error: `unknown option ${argument}` };
    } else if (input === undefined) {
      input = argument;
    } else {
      return { error: `unexpected argument ${argument} (one input file only)` };
    }
  }
  if (input === undefined) return { error: "missing the tool definitions file" };
  return output === undefined ? { input } : { input, output };
}

function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}
