import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbortedError, InvalidDefinitionError, VectorDimensionError } from "@flowmaestro/runtime";
import { MockEmbeddingModelV4 } from "ai/test";
import { afterAll, describe, expect, it } from "vitest";
import { createInMemoryStorage } from "../adapters/in-memory/in-memory-storage.js";
import { createLibsqlStorage } from "../adapters/libsql/index.js";
import { createHashEmbedder } from "../embedders/hash-embedder.js";
import type { StorageAdapter } from "../storage-adapter.js";
import { ingestDirectory } from "./ingest-directory.js";
import { createKnowledgeBase, knowledgeBaseInternals } from "./knowledge-base.js";

const INSTALL = `# Install

## Linux

Download the tarball and run \`./install.sh\`. The installer puts the \`acme\` binary in /usr/local/bin.

## macOS

Install with Homebrew: \`brew install acme\`.
`;

const BILLING = `# Billing

Invoices are sent on the first day of every month. Refunds are possible within 30 days of purchase.
`;

const BILLING_DE = `# Abrechnung

Rechnungen kommen am ersten Tag jedes Monats. Erstattungen sind innerhalb von 30 Tagen möglich.
`;

const adapters: Array<[name: string, create: () => StorageAdapter]> = [
  ["in-memory", () => createInMemoryStorage()],
  ["libsql :memory:", () => createLibsqlStorage({ url: ":memory:" })],
];
const opened: StorageAdapter[] = [];
afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
});

describe.each(adapters)("createKnowledgeBase on %s", (_name, createStorage) => {
  const setup = async (options: { dimension?: number } = {}) => {
    const storage = createStorage();
    opened.push(storage);
    const kb = createKnowledgeBase({
      storage,
      embedder: createHashEmbedder({ dimension: options.dimension }),
    });
    await kb.ingest({
      knowledgeBaseId: "docs",
      documents: [
        { id: "install.md", text: INSTALL, metadata: { source: "install.md", lang: "en" } },
        { id: "billing.md", text: BILLING, metadata: { source: "billing.md", lang: "en" } },
        { id: "billing.de.md", text: BILLING_DE, metadata: { source: "billing.de.md", lang: "de" } },
      ],
    });
    return { storage, kb };
  };

  it("creates its index with the embedder's dimension under a derived name", async () => {
    const { kb } = await setup({ dimension: 128 });
    expect(await kb.describeIndex()).toEqual({
      indexName: "kb_flowmaestro_hash_v1_128",
      dimension: 128,
      count: 4,
    });
  });

  it("finds the best chunks first, with text, documentId, headings and document metadata", async () => {
    const { kb } = await setup();
    const hits = await kb.search({ knowledgeBaseId: "docs", query: "how to install on linux", topK: 2 });
    expect(hits).toHaveLength(2);
    expect(hits[0]).toEqual({
      id: "install.md#0",
      text: expect.stringContaining("Download the tarball"),
      score: expect.any(Number),
      metadata: {
        documentId: "install.md",
        headings: ["Install", "Linux"],
        source: "install.md",
        lang: "en",
      },
    });
    expect(hits[0]?.text.startsWith("# Install\n\n## Linux")).toBe(true);
    expect((hits[0]?.score ?? 0) >= (hits[1]?.score ?? 0)).toBe(true);
    const refund = await kb.search({ knowledgeBaseId: "docs", query: "refunds within 30 days", topK: 1 });
    expect(refund.map((hit) => hit.id)).toEqual(["billing.md#0"]);
    expect(await kb.search({ knowledgeBaseId: "docs", query: "anything" })).toHaveLength(4);
  });

  it("merges the filter with knowledgeBaseId, which always wins", async () => {
    const { kb } = await setup();
    await kb.ingest({ knowledgeBaseId: "other", documents: [{ id: "secret.md", text: "Refunds: never." }] });
    const ids = async (filter: Record<string, unknown>) =>
      (await kb.search({ knowledgeBaseId: "docs", query: "refunds", topK: 10, filter })).map((hit) => hit.id);
    expect(await ids({ lang: "de" })).toEqual(["billing.de.md#0"]);
    expect(await ids({ lang: ["de", "fr"] })).toEqual(["billing.de.md#0"]);
    expect(await ids({ lang: { $in: ["de"] } })).toEqual(["billing.de.md#0"]);
    expect(await ids({ documentId: "billing.md" })).toEqual(["billing.md#0"]);
    expect(await ids({ knowledgeBaseId: "other" })).not.toContain("secret.md#0");
    expect(await ids({ lang: "it" })).toEqual([]);
    const other = await kb.search({ knowledgeBaseId: "other", query: "refunds" });
    expect(other.map((hit) => hit.id)).toEqual(["secret.md#0"]);
    expect(other[0]?.metadata).toEqual({ documentId: "secret.md" });
  });

  it("replaces a re-ingested document and deletes its leftover chunks", async () => {
    const { kb } = await setup();
    const long = `# Guide\n\n${"A sentence about setting up the product. ".repeat(200)}`;
    const first = await kb.ingest({ knowledgeBaseId: "docs", documents: [{ id: "guide.md", text: long }] });
    expect(first).toMatchObject({ documents: 1, deletedChunks: 0 });
    expect(first.chunks).toBeGreaterThan(3);
    expect((await kb.describeIndex()).count).toBe(4 + first.chunks);

    const second = await kb.ingest({
      knowledgeBaseId: "docs",
      documents: [{ id: "guide.md", text: "# Guide\n\nShort now." }],
    });
    expect(second).toEqual({ documents: 1, chunks: 1, deletedChunks: first.chunks - 1 });
    expect((await kb.describeIndex()).count).toBe(5);
    const hits = await kb.search({
      knowledgeBaseId: "docs",
      query: "guide",
      filter: { documentId: "guide.md" },
    });
    expect(hits.map((hit) => [hit.id, hit.text])).toEqual([["guide.md#0", "# Guide\n\nShort now."]]);

    // The same document id in another knowledge base is another document.
    await kb.ingest({ knowledgeBaseId: "other", documents: [{ id: "guide.md", text: "Other guide." }] });
    expect((await kb.describeIndex()).count).toBe(6);
  });

  it("deletes a document", async () => {
    const { kb } = await setup();
    expect(await kb.deleteDocument({ knowledgeBaseId: "docs", documentId: "install.md" })).toEqual({
      deletedChunks: 2,
    });
    expect(await kb.deleteDocument({ knowledgeBaseId: "docs", documentId: "install.md" })).toEqual({
      deletedChunks: 0,
    });
    const hits = await kb.search({ knowledgeBaseId: "docs", query: "install linux", topK: 10 });
    expect(hits.map((hit) => hit.metadata.documentId)).not.toContain("install.md");
  });

  it("rejects a second embedder of another dimension on the same index", async () => {
    const { storage } = await setup();
    const other = createKnowledgeBase({
      storage,
      embedder: createHashEmbedder({ dimension: 64 }),
      indexName: "kb_flowmaestro_hash_v1_256",
    });
    const error = await other
      .search({ knowledgeBaseId: "docs", query: "x" })
      .catch((caught: unknown) => caught);
    expect(VectorDimensionError.isInstance(error)).toBe(true);
  });
});

describe("createKnowledgeBase", () => {
  it("names the adapter when it has no vector index", () => {
    const storage = { ...createInMemoryStorage(), name: "kv-only", vectors: undefined };
    expect(() => createKnowledgeBase({ storage, embedder: createHashEmbedder() })).toThrow(
      'Storage adapter "kv-only" has no vector index (`storage.vectors` is unset)',
    );
  });

  it("validates options, documents and searches naming the field", async () => {
    const storage = createInMemoryStorage();
    const embedder = createHashEmbedder();
    expect(() =>
      createKnowledgeBase({ storage, embedder, chunking: { strategy: "text", size: 10, overlap: 10 } }),
    ).toThrow("`overlap` must be less than `size`");
    expect(() => createKnowledgeBase({ storage, embedder, indexName: "" })).toThrow(InvalidDefinitionError);
    const kb = createKnowledgeBase({ storage, embedder });
    await expect(
      kb.ingest({
        knowledgeBaseId: "docs",
        documents: [
          { id: "a", text: "x" },
          { id: "a", text: "y", metadata: { documentId: "z", _kb_text: "t", tags: ["x"] as never } },
        ],
      }),
    ).rejects.toThrow(
      /`documents\.1\.id` must be an id no other document.*`documents\.1\.metadata\.documentId`.*`documents\.1\.metadata\._kb_text`.*`documents\.1\.metadata\.tags` must be a string, a finite number or a boolean/,
    );
    await expect(kb.search({ knowledgeBaseId: "docs", query: " ", topK: 0 })).rejects.toThrow(
      "Invalid knowledge base search: `query` must be a non-empty string; `topK` must be an integer from 1 to 1000 (received 0).",
    );
    await expect(
      kb.search({ knowledgeBaseId: "docs", query: "q", filter: { lang: { gt: 1 } } }),
    ).rejects.toThrow(
      '`filter.lang` must be a string, number or boolean, or a list (or { $in: [...] }) of them (received {"gt":1})',
    );
    await expect(
      kb.search({ knowledgeBaseId: "docs", query: "q", filter: { _kb_text: "x" } }),
    ).rejects.toThrow(InvalidDefinitionError);
  });

  it("writes nothing when embedding fails", async () => {
    const storage = createInMemoryStorage();
    let calls = 0;
    const embedder = new MockEmbeddingModelV4({
      maxEmbeddingsPerCall: 100,
      doEmbed: async ({ values }) => {
        calls++;
        if (calls > 1) throw new Error("quota exceeded");
        return { embeddings: values.map(() => [1, 0, 0]), warnings: [] };
      },
    });
    const kb = createKnowledgeBase({ storage, embedder, maxRetries: 0 });
    await expect(
      kb.ingest({ knowledgeBaseId: "docs", documents: [{ id: "a", text: "hello" }] }),
    ).rejects.toMatchObject({ code: "MODEL_ERROR", message: expect.stringContaining("quota exceeded") });
    expect(await kb.describeIndex()).toEqual({
      indexName: "kb_mock_provider_mock_model_id_3",
      dimension: 3,
      count: 0,
    });
  });

  it("honours the abort signal", async () => {
    const kb = createKnowledgeBase({ storage: createInMemoryStorage(), embedder: createHashEmbedder() });
    const controller = new AbortController();
    controller.abort();
    const ingest = kb.ingest(
      { knowledgeBaseId: "docs", documents: [{ id: "a", text: "hello" }] },
      { signal: controller.signal },
    );
    expect(AbortedError.isInstance(await ingest.catch((caught: unknown) => caught))).toBe(true);
    const search = kb.search({ knowledgeBaseId: "docs", query: "hello" }, { signal: controller.signal });
    expect(AbortedError.isInstance(await search.catch((caught: unknown) => caught))).toBe(true);
  });

  it("chunks by size with the text strategy and skips blank chunks", async () => {
    const kb = createKnowledgeBase({
      storage: createInMemoryStorage(),
      embedder: createHashEmbedder(),
      chunking: { strategy: "text", size: 50, overlap: 10 },
    });
    const text = "# Not a heading here\n\nalpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    const result = await kb.ingest({
      knowledgeBaseId: "t",
      documents: [
        { id: "a", text },
        { id: "b", text: "  \n" },
      ],
    });
    expect(result).toEqual({ documents: 2, chunks: 2, deletedChunks: 0 });
    const hits = await kb.search({ knowledgeBaseId: "t", query: "kappa lambda" });
    expect(hits[0]?.metadata).toEqual({ documentId: "a" });
  });

  it("keeps vector ids short and unique across knowledge bases", () => {
    const { recordId, defaultIndexName, embeddingText } = knowledgeBaseInternals;
    expect(recordId("docs", "install.md", 3)).toBe("docs/install.md#3");
    expect(recordId("a/b", "c", 0)).not.toBe(recordId("a", "b/c", 0));
    const long = recordId("docs", "x".repeat(200), 12);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^h:[0-9a-f]{24}#12$/);
    expect(recordId("docs", "x".repeat(200), 12)).toBe(long);
    const name = defaultIndexName({ provider: "openai.embedding", modelId: "x".repeat(80) } as never, 1536);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^kb_openai_embedding_x+_[0-9a-f]{8}_1536$/);
    expect(embeddingText({ text: "body", index: 0, start: 0, end: 4, headings: ["Install", "Linux"] })).toBe(
      "Install > Linux\n\nbody",
    );
  });
});

describe("ingestDirectory", () => {
  it("ingests matching files recursively in sorted order, with source and title", async () => {
    const directory = await mkdtemp(join(tmpdir(), "fm-kb-"));
    try {
      await mkdir(join(directory, "guides"));
      await mkdir(join(directory, ".hidden"));
      await writeFile(join(directory, "b.md"), "# Bravo\n\nSecond file.");
      await writeFile(join(directory, "a.md"), "```sh\n# not the title\n```\n\n# Alpha\n\nFirst file.");
      await writeFile(join(directory, "guides", "install.md"), "No heading, just text.");
      await writeFile(join(directory, "notes.txt"), "ignored");
      await writeFile(join(directory, ".hidden", "secret.md"), "# Secret");
      const kb = createKnowledgeBase({ storage: createInMemoryStorage(), embedder: createHashEmbedder() });
      const result = await ingestDirectory(kb, directory, {
        knowledgeBaseId: "docs",
        metadata: { lang: "en" },
      });
      expect(result).toEqual({
        documents: 3,
        chunks: 4,
        deletedChunks: 0,
        files: ["a.md", "b.md", "guides/install.md"],
      });
      const hits = await kb.search({ knowledgeBaseId: "docs", query: "first file", topK: 1 });
      expect(hits[0]?.metadata).toEqual({
        documentId: "a.md",
        headings: ["Alpha"],
        source: "a.md",
        title: "Alpha",
        lang: "en",
      });
      const txt = await ingestDirectory(kb, directory, { knowledgeBaseId: "txt", pattern: /\.txt$/ });
      expect(txt.files).toEqual(["notes.txt"]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
