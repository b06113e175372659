import type { MemoryReport, MemoryRow, MemorySection, MemoryTarget } from "./types.js";

/** What the brief quotes for Mastra with @mastra/libsql on this turn; printed beside the measured figure. */
const QUOTED_MASTRA_ADDED_MS = 18;

function formatMs(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  if (Math.abs(value) < 1) return value.toFixed(3);
  if (Math.abs(value) < 10) return value.toFixed(2);
  if (Math.abs(value) < 100) return value.toFixed(1);
  return value.toFixed(0);
}

const formatRatio = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "—" : `${value.toFixed(2)}×`;

const median = (row: MemoryRow | undefined, metric: string) =>
  row?.status === "ok" ? row.metrics[metric]?.median : undefined;

const find = (sections: readonly MemorySection[], part: MemorySection["id"], id: string) =>
  sections.find((section) => section.id === part)?.rows.find((row) => row.id === id);

/** The Mastra row a recall row is compared with: same search kind and the same vector count. */
export function recallReference(section: MemorySection, row: MemoryRow): MemoryRow | undefined {
  if (row.id.startsWith("mastra-")) return undefined;
  const referenceId = row.id === "libsql" ? "mastra-libsql" : "mastra-libsql-exact";
  const reference = section.rows.find((candidate) => candidate.id === referenceId);
  return reference && reference.figures.vectors === row.figures.vectors ? reference : undefined;
}

export function evaluateMemoryTargets(
  sections: readonly MemorySection[],
  config: MemoryReport["config"],
): MemoryTarget[] {
  const targets: MemoryTarget[] = [];
  const turn = (id: string) => median(find(sections, "turn", id), "turnMs");
  const added = (runtime: string) => {
    const withMemory = turn(`${runtime}+memory`);
    const without = turn(runtime);
    return withMemory === undefined || without === undefined ? undefined : withMemory - without;
  };
  const status = (value: number | undefined, limit: number): MemoryTarget["status"] =>
    value === undefined ? "n/a" : value <= limit ? "PASS" : "FAIL";

  if (sections.some((section) => section.id === "turn")) {
    const legacyAdded = added("legacy");
    const mastraAdded = added("mastra-direct");
    targets.push({
      id: "turn-legacy-added",
      description: "Legacy runtime: a memory turn adds ≤ 2 ms over no memory (libSQL file)",
      limit: 2,
      unit: "ms",
      ...(legacyAdded === undefined ? {} : { value: legacyAdded }),
      status: status(legacyAdded, 2),
      detail: `Mastra direct with @mastra/libsql adds ${mastraAdded === undefined ? "— (not measured)" : `${formatMs(mastraAdded)} ms`} on the same turn (quoted: about ${QUOTED_MASTRA_ADDED_MS} ms)`,
    });
    const runtimeMemory = turn("mastra-runtime+memory");
    const directMemory = turn("mastra-direct+memory");
    const ratio =
      runtimeMemory === undefined || directMemory === undefined ? undefined : runtimeMemory / directMemory;
    targets.push({
      id: "turn-mastra-runtime-ratio",
      description: "Mastra runtime with memory ≤ 1.1× Mastra used directly with @mastra/libsql",
      limit: 1.1,
      unit: "×",
      ...(ratio === undefined ? {} : { value: ratio }),
      status: status(ratio, 1.1),
      detail:
        ratio === undefined
          ? "a side has no numbers (see the turn table)"
          : `${formatMs(runtimeMemory)} ms vs ${formatMs(directMemory)} ms per turn (medians)`,
    });
  }

  const recall = sections.find((section) => section.id === "recall");
  if (recall) {
    for (const id of ["libsql", "in-memory", "postgres"]) {
      const row = recall.rows.find((candidate) => candidate.id === id);
      if (!row) continue;
      const reference = recallReference(recall, row);
      const own = median(row, "queryMs");
      const base = median(reference, "queryMs");
      const ratio = own === undefined || base === undefined ? undefined : own / base;
      const vectors = row.figures.vectors ?? 0;
      const atFullCount = vectors === Number(config.vectors);
      targets.push({
        id: `recall-${id}`,
        description: `Recall top-${config.topK}: ${row.label} no slower than ${reference?.label ?? "@mastra/libsql (same search kind)"}`,
        limit: 1,
        unit: "×",
        ...(ratio === undefined ? {} : { value: ratio }),
        status: status(ratio, 1),
        detail:
          ratio === undefined
            ? `n/a: ${row.status !== "ok" ? row.note : "no Mastra row with the same search kind and vector count"}`
            : `${formatMs(own)} ms vs ${formatMs(base)} ms per query over ${vectors.toLocaleString("en-US")} vectors${atFullCount ? "" : ` (DiskANN count, not ${Number(config.vectors).toLocaleString("en-US")}: see the recall notes)`}`,
      });
    }
  }
  return targets;
}

function statusCell(row: MemoryRow): string {
  // Table cells stay short and pipe-free; the JSON report keeps the whole note.
  const note = (row.note ?? "").replaceAll("|", "/");
  const short = note.length > 220 ? `${note.slice(0, 217)}…` : note;
  return row.status === "unavailable" ? `n/a: ${short}` : `error: ${short}`;
}

function vsMastra(own: number | undefined, mastra: number | undefined, isMastra: boolean): string {
  if (isMastra) return "—";
  return own === undefined || mastra === undefined ? "—" : formatRatio(own / mastra);
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ];
}

function renderSection(section: MemorySection): string[] {
  const lines = ["", `### ${section.title}`, ""];
  const mastra = section.rows.find((row) => row.id === "mastra-libsql");
  switch (section.id) {
    case "append": {
      const base = median(mastra, "totalMs");
      lines.push(
        ...table(
          ["Store", "total ms median", "p95", "ms/message median", "appends", "n", "vs Mastra"],
          section.rows.map((row) =>
            row.status !== "ok"
              ? [row.label, statusCell(row), "", "", "", "", ""]
              : [
                  row.label,
                  formatMs(row.metrics.totalMs?.median),
                  formatMs(row.metrics.totalMs?.p95),
                  formatMs(row.metrics.msPerMessage?.median),
                  String(row.figures.appendCalls ?? "—"),
                  String(row.metrics.totalMs?.n ?? 0),
                  vsMastra(row.metrics.totalMs?.median, base, row.id === "mastra-libsql"),
                ],
          ),
        ),
      );
      break;
    }
    case "load": {
      const base = median(mastra, "loadMs");
      lines.push(
        ...table(
          ["Store", "ms/load median", "p95", "n", "thread written in (setup) ms", "vs Mastra"],
          section.rows.map((row) =>
            row.status !== "ok"
              ? [row.label, statusCell(row), "", "", "", ""]
              : [
                  row.label,
                  formatMs(row.metrics.loadMs?.median),
                  formatMs(row.metrics.loadMs?.p95),
                  String(row.metrics.loadMs?.n ?? 0),
                  formatMs(row.figures.seedMs),
                  vsMastra(row.metrics.loadMs?.median, base, row.id === "mastra-libsql"),
                ],
          ),
        ),
      );
      break;
    }
    case "recall": {
      lines.push(
        ...table(
          [
            "Store",
            "Search",
            "vectors",
            "query ms median",
            "p95",
            "n",
            "recall@k",
            "insert + index s",
            "vs Mastra (same search, same count)",
          ],
          section.rows.map((row) => {
            if (row.status !== "ok") {
              return [
                row.label,
                row.detail ?? "",
                (row.figures.vectors ?? 0).toLocaleString("en-US"),
                statusCell(row),
                "",
                "",
                "",
                "",
                "",
              ];
            }
            const reference = recallReference(section, row);
            return [
              row.label,
              row.detail ?? "",
              (row.figures.vectors ?? 0).toLocaleString("en-US"),
              formatMs(row.metrics.queryMs?.median),
              formatMs(row.metrics.queryMs?.p95),
              String(row.metrics.queryMs?.n ?? 0),
              row.figures.recallAtK === undefined ? "—" : row.figures.recallAtK.toFixed(3),
              row.figures.insertMs !== undefined
                ? (row.figures.insertMs / 1000).toFixed(1)
                : row.figures.bulkLoadMs !== undefined
                  ? `${(row.figures.bulkLoadMs / 1000).toFixed(1)} (bulk SQL)`
                  : "—",
              reference ? vsMastra(row.metrics.queryMs?.median, median(reference, "queryMs"), false) : "—",
            ];
          }),
        ),
      );
      break;
    }
    case "turn": {
      const byId = new Map(section.rows.map((row) => [row.id, row]));
      const directMemory = median(byId.get("mastra-direct+memory"), "turnMs");
      const rows: string[][] = [];
      for (const runtime of ["legacy", "mastra-runtime", "mastra-direct"]) {
        const without = byId.get(runtime);
        const withMemory = byId.get(`${runtime}+memory`);
        if (!without || !withMemory) continue;
        const a = median(without, "turnMs");
        const b = median(withMemory, "turnMs");
        const label = withMemory.label.replace(/, memory$/, "");
        const cell = (row: MemoryRow, metric: "median" | "p95") =>
          row.status === "ok" ? formatMs(row.metrics.turnMs?.[metric]) : statusCell(row);
        rows.push([
          label,
          cell(without, "median"),
          without.status === "ok" ? cell(without, "p95") : "",
          cell(withMemory, "median"),
          withMemory.status === "ok" ? cell(withMemory, "p95") : "",
          a === undefined || b === undefined ? "—" : formatMs(b - a),
          a === undefined || b === undefined ? "—" : formatRatio(b / a),
          runtime === "mastra-direct" ? "—" : vsMastra(b, directMemory, false),
          `${without.figures.promptMessages ?? "—"} / ${withMemory.figures.promptMessages ?? "—"}`,
          `${without.metrics.turnMs?.n ?? 0} / ${withMemory.metrics.turnMs?.n ?? 0}`,
        ]);
      }
      lines.push(
        ...table(
          [
            "Runtime",
            "no memory ms median",
            "p95",
            "memory ms median",
            "p95",
            "added ms",
            "memory / no memory",
            "memory vs Mastra direct + memory",
            "prompt msgs (no mem / mem)",
            "n",
          ],
          rows,
        ),
        "",
        `Memory: ${section.rows
          .filter((row) => row.id.endsWith("+memory"))
          .map((row) => `${row.label.replace(/, memory$/, "")} → ${row.detail}`)
          .join("; ")}.`,
      );
      break;
    }
  }
  for (const note of section.notes) lines.push("", note);
  return lines;
}

/** The memory section of the bench output. */
export function renderMemoryMarkdown(report: MemoryReport): string {
  const lines: string[] = [
    "",
    "## Memory",
    "",
    `Parts: ${report.parts.join(", ")} · ${(report.durationMs / 1000).toFixed(0)} s${report.quick ? " · **--quick: smaller counts (in the titles), numbers not meaningful**" : ""}. Medians and p95; "vs Mastra" divides by the Mastra row's median (Mastra rows are not compared with themselves).`,
  ];
  for (const { what, reason } of report.unavailable) lines.push("", `${what}: n/a: ${reason}`);
  for (const section of report.sections) lines.push(...renderSection(section));
  if (report.targets.length > 0) {
    lines.push(
      "",
      "### Memory targets",
      "",
      ...table(
        ["Target", "Limit", "Value", "Result", "Detail"],
        report.targets.map((target) => [
          target.description,
          target.unit === "ms" ? `≤ ${target.limit} ms` : `≤ ${target.limit.toFixed(2)}×`,
          target.value === undefined
            ? "—"
            : target.unit === "ms"
              ? `${formatMs(target.value)} ms`
              : `${target.value.toFixed(3)}×`,
          target.status === "n/a" ? "n/a" : `**${target.status}**`,
          target.detail,
        ]),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
