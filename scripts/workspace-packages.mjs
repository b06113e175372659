import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The publishable packages under packages/, with their export subpaths (package.json excluded). */
export function publishablePackages(root = new URL("..", import.meta.url).pathname) {
  return readdirSync(join(root, "packages")).flatMap((folder) => {
    const dir = join(root, "packages", folder);
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    } catch {
      return [];
    }
    if (manifest.private) return [];
    const subpaths = Object.keys(manifest.exports ?? { ".": null }).filter((key) => key !== "./package.json");
    return [{ name: manifest.name, dir, manifest, subpaths }];
  });
}
