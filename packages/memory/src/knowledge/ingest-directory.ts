import type { VectorMetadataValue } from "../storage-adapter.js";
import { chunkMarkdown } from "./chunking.js";
import type {
  KnowledgeBaseCallOptions,
  KnowledgeBaseIngestResult,
  VectorKnowledgeBase,
} from "./knowledge-base.js";

/** Options of {@link ingestDirectory}. */
export interface IngestDirectoryOptions extends KnowledgeBaseCallOptions {
  /** Which knowledge base the files go into. */
  readonly knowledgeBaseId: string;
  /**
   * Which files to ingest: a file-name suffix (`".md"`, `".txt"`) or a regular expression tested
   * against the path relative to the directory (with `/` separators).
   * @default ".md"
   */
  readonly pattern?: string | RegExp;
  /** Metadata added to every file's own (`source`, and `title` when the file has a heading). */
  readonly metadata?: Readonly<Record<string, VectorMetadataValue>>;
}

/** What {@link ingestDirectory} did. */
export interface IngestDirectoryResult extends KnowledgeBaseIngestResult {
  /** The files ingested (paths relative to the directory, `/`-separated), in ingest order. */
  readonly files: readonly string[];
}

/**
 * Ingests every matching file under `directory` (recursively, skipping dot-files and dot-folders
 * and `node_modules`) into `knowledgeBase`, in sorted path order so runs are reproducible. Each
 * file is one document whose id is its relative path (`guides/install.md`), with metadata
 * `{ source: <relative path>, title?: <its first top heading> }` plus `options.metadata`. Files are
 * read as UTF-8.
 *
 * Files deleted from the directory since an earlier ingest are not removed from the knowledge
 * base: call `deleteDocument` for them.
 *
 * Node only: `node:fs` is loaded when this is called, so importing the package stays
 * runtime-neutral.
 */
export async function ingestDirectory(
  knowledgeBase: VectorKnowledgeBase,
  directory: string,
  options: IngestDirectoryOptions,
): Promise<IngestDirectoryResult> {
  const [{ readdir, readFile }, path] = await Promise.all([import("node:fs/promises"), import("node:path")]);
  const pattern = options.pattern ?? ".md";
  const matches = (relative: string) =>
    typeof pattern === "string" ? relative.endsWith(pattern) : pattern.test(relative);
  const files: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    // Code-unit order, not locale order: the same on every machine.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(folder, entry.name), relative);
      else if (entry.isFile() && matches(relative)) files.push(relative);
    }
  };
  await walk(directory, "");
  const documents = await Promise.all(
    files.map(async (relative) => {
      const text = await readFile(path.join(directory, ...relative.split("/")), "utf8");
      // The outermost heading of the first section that has one (headings in code fences don't count).
      const title = chunkMarkdown(text).find((chunk) => chunk.headings?.[0])?.headings?.[0];
      return {
        id: relative,
        text,
        metadata: { ...options.metadata, source: relative, ...(title ? { title } : {}) },
      };
    }),
  );
  const result = await knowledgeBase.ingest(
    { knowledgeBaseId: options.knowledgeBaseId, documents },
    { signal: options.signal },
  );
  return { ...result, files };
}
