#!/usr/bin/env node
// Thin launcher: the command lives in src/codegen/cli.ts, built to dist/codegen/cli.js.
import { runCodegenCli } from "../dist/codegen/cli.js";

process.exitCode = await runCodegenCli(process.argv.slice(2));
