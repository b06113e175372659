import { allows2020Keywords, allowsDraft07Forms, type Dialect, dialectFromSchemaUri } from "./dialect.js";
import { JsonSchemaConversionError } from "./errors.js";
import { isJsonObject } from "./json-equal.js";
import {
  appendPointer,
  escapePointerToken,
  formatPointer,
  parsePointer,
  walkPointer,
} from "./json-pointer.js";
import { META_SCHEMAS } from "./meta-schemas.js";
import { decodeFragment, normalizeUri, resolveUri, splitFragment } from "./uri.js";

/**
 * Indexes schema resources (`$id`), anchors (`$anchor`, `$dynamicAnchor`, draft-07 `$id: "#name"`)
 * and subschema locations, then resolves `$ref` / `$dynamicRef` against them. Remote documents
 * come only from the caller's pre-loaded `remotes` map: there is never any network access.
 */

/** Where a (sub)schema lives: its value and the context needed to interpret it. */
export interface SchemaLocation {
  /** The schema value (normally an object or a boolean). */
  readonly schema: unknown;
  /** Base URI in effect for this schema (its resource's URI, without fragment). */
  readonly baseUri: string;
  /** Display path: a JSON pointer in the root document, or `uri#pointer` in a remote one. */
  readonly path: string;
  /** Dialect governing this schema. */
  readonly dialect: Dialect;
  /** True when this schema starts a schema resource (the document root or a schema with `$id`). */
  readonly isResourceRoot: boolean;
  /**
   * Vocabularies enabled by a custom meta-schema's `$vocabulary`; undefined means all of them
   * (the standard dialects).
   */
  readonly vocabularies?: ReadonlySet<string> | undefined;
}

interface SchemaResource {
  readonly uri: string;
  readonly root: SchemaLocation;
  readonly anchors: Map<string, SchemaLocation>;
  readonly dynamicAnchors: Map<string, SchemaLocation>;
}

/** Bounds applied while indexing, so hostile schemas fail fast with a typed error. */
export interface ResolverLimits {
  readonly maxDepth: number;
  readonly maxSchemaNodes: number;
}

/** Keywords whose value is one subschema. */
const SINGLE_SUBSCHEMA_KEYWORDS = [
  "additionalProperties",
  "propertyNames",
  "additionalItems",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
  "items",
] as const;
/** Keywords whose value is an array of subschemas. */
const ARRAY_SUBSCHEMA_KEYWORDS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"] as const;
/** Keywords whose value maps names to subschemas. */
const MAP_SUBSCHEMA_KEYWORDS = [
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
  "dependencies",
] as const;

type PointerKeys = ReadonlyArray<readonly [resourceUri: string, pointer: string]>;

interface ScanState {
  readonly baseUri: string;
  readonly dialect: Dialect;
  readonly path: string;
  readonly keys: PointerKeys;
  readonly depth: number;
  /** False at the root of a document whose dialect the caller forced, so `$schema` is ignored there. */
  readonly honorsSchemaKeyword: boolean;
  readonly vocabularies: ReadonlySet<string> | undefined;
}

function conversionError(path: string, keyword: string, message: string): JsonSchemaConversionError {
  return new JsonSchemaConversionError({ message, path, keyword });
}

/** Indexes schema documents and resolves references between them. */
export class ReferenceResolver {
  private readonly resources = new Map<string, SchemaResource>();
  private readonly locationsByUri = new Map<string, SchemaLocation>();
  private readonly locationsBySchema = new WeakMap<object, SchemaLocation>();
  private readonly remotes = new Map<string, unknown>();
  private readonly loadedRemotes = new Set<string>();
  private readonly ancestors = new Set<object>();
  /** True once any indexed schema uses `$dynamicRef`, which makes compilation scope-sensitive. */
  usesDynamicReferences = false;
  /** Number of schema nodes indexed so far. */
  nodeCount = 0;

  constructor(
    remotes: Readonly<Record<string, unknown>> | undefined,
    private readonly limits: ResolverLimits,
  ) {
    if (remotes !== undefined) {
      for (const uri of Object.keys(remotes)) {
        this.remotes.set(normalizeUri(splitFragment(uri).base), remotes[uri]);
      }
    }
  }

  /** Indexes a whole document retrieved from (or assigned) `uri`, returning its root location. */
  addDocument(
    document: unknown,
    uri: string,
    pathPrefix: string,
    dialect: Dialect,
    forceDialect = false,
  ): SchemaLocation {
    const documentDialect =
      (isJsonObject(document) && !forceDialect ? dialectFromSchemaUri(document.$schema) : undefined) ??
      dialect;
    this.scan(document, {
      baseUri: uri,
      dialect: documentDialect,
      path: pathPrefix,
      keys: [[uri, ""]],
      depth: 0,
      honorsSchemaKeyword: !forceDialect,
      vocabularies: undefined,
    });
    const root = (isJsonObject(document) ? this.locationsBySchema.get(document) : undefined) ?? {
      schema: document,
      baseUri: uri,
      path: pathPrefix,
      dialect: documentDialect,
      isResourceRoot: true,
    };
    // The retrieval URI names the document even when its root `$id` says otherwise.
    const identified = this.resources.get(root.baseUri);
    if (!this.resources.has(uri) && identified !== undefined) this.resources.set(uri, identified);
    this.ensureResource(uri, root);
    return root;
  }

  /** The indexed location of a schema object, if it was reached while indexing. */
  locationOf(schema: object): SchemaLocation | undefined {
    return this.locationsBySchema.get(schema);
  }

  /** Resolves a `$ref` value written in the schema at `from`. */
  resolve(reference: string, from: SchemaLocation, keyword = "$ref"): SchemaLocation {
    const keywordPath = appendPointer(from.path, keyword);
    const absolute = resolveUri(from.baseUri, reference);
    if (absolute === undefined) {
      throw conversionError(
        keywordPath,
        keyword,
        `"${keyword}" value "${reference}" is not a resolvable URI reference.`,
      );
    }
    const { base, fragment } = splitFragment(absolute);
    const resource = this.resources.get(base) ?? this.loadRemote(base, from.dialect);
    if (resource === undefined) {
      throw conversionError(
        keywordPath,
        keyword,
        `"${keyword}" points to "${base}", which is neither in this schema nor in the "remotes" option (remote schemas are never fetched).`,
      );
    }
    if (fragment === undefined || fragment === "") return resource.root;
    const decoded = decodeFragment(fragment);
    if (decoded.startsWith("/")) {
      const tokens = parsePointer(decoded);
      if (tokens === undefined) {
        throw conversionError(
          keywordPath,
          keyword,
          `"${keyword}" fragment "${fragment}" is not a valid JSON pointer.`,
        );
      }
      const indexed = this.locationsByUri.get(`${base}#${formatPointer(tokens)}`);
      if (indexed !== undefined) return indexed;
      const walked = walkPointer(resource.root.schema, tokens);
      if (!walked.found) {
        throw conversionError(keywordPath, keyword, `"${keyword}" target "${absolute}" does not exist.`);
      }
      if (isJsonObject(walked.value)) {
        const known = this.locationsBySchema.get(walked.value);
        if (known !== undefined) return known;
      }
      return {
        schema: walked.value,
        baseUri: base,
        path: appendPointer(resource.root.path, ...tokens),
        dialect: resource.root.dialect,
        isResourceRoot: false,
      };
    }
    const anchored = resource.anchors.get(decoded);
    if (anchored === undefined) {
      throw conversionError(
        keywordPath,
        keyword,
        `"${keyword}" anchor "#${decoded}" is not defined in "${base}".`,
      );
    }
    return anchored;
  }

  /**
   * Resolves a `$dynamicRef`: like `$ref`, except that when the initial target is a
   * `$dynamicAnchor`, the outermost resource in the dynamic `scope` (resource URIs, outermost
   * first) defining the same dynamic anchor wins.
   */
  resolveDynamic(reference: string, from: SchemaLocation, scope: readonly string[]): SchemaLocation {
    const initial = this.resolve(reference, from, "$dynamicRef");
    const absolute = resolveUri(from.baseUri, reference) ?? "";
    const { base, fragment } = splitFragment(absolute);
    if (fragment === undefined || fragment === "" || fragment.startsWith("/")) return initial;
    const name = decodeFragment(fragment);
    if (this.resources.get(base)?.dynamicAnchors.get(name) !== initial) return initial;
    for (const uri of scope) {
      const target = this.resources.get(uri)?.dynamicAnchors.get(name);
      if (target !== undefined) return target;
    }
    return initial;
  }

  /** The `$dynamicAnchor` names the resource at `uri` defines. */
  dynamicAnchorNames(uri: string): Iterable<string> {
    return this.resources.get(uri)?.dynamicAnchors.keys() ?? [];
  }

  /** A caller-supplied remote or a bundled meta-schema, without indexing it. */
  private peekDocument(uri: string): unknown {
    return this.remotes.has(uri) ? this.remotes.get(uri) : META_SCHEMAS.get(uri);
  }

  private loadRemote(uri: string, dialect: Dialect): SchemaResource | undefined {
    if (this.loadedRemotes.has(uri)) return undefined;
    const document = this.peekDocument(uri);
    if (document === undefined) return undefined;
    this.loadedRemotes.add(uri);
    this.addDocument(document, uri, `${uri}#`, dialect);
    return this.resources.get(uri);
  }

  private ensureResource(uri: string, root: SchemaLocation): SchemaResource {
    let resource = this.resources.get(uri);
    if (resource === undefined) {
      resource = { uri, root, anchors: new Map(), dynamicAnchors: new Map() };
      this.resources.set(uri, resource);
    }
    return resource;
  }

  private register(keys: PointerKeys, location: SchemaLocation): void {
    for (const [uri, pointer] of keys) {
      const key = `${uri}#${pointer}`;
      if (!this.locationsByUri.has(key)) this.locationsByUri.set(key, location);
    }
  }

  private scan(schema: unknown, state: ScanState): void {
    if (state.depth > this.limits.maxDepth) {
      throw conversionError(
        state.path,
        "maxDepth",
        `The schema nests deeper than maxDepth (${this.limits.maxDepth}) subschemas.`,
      );
    }
    this.nodeCount++;
    if (this.nodeCount > this.limits.maxSchemaNodes) {
      throw conversionError(
        state.path,
        "maxSchemaNodes",
        `The schema has more than maxSchemaNodes (${this.limits.maxSchemaNodes}) subschemas.`,
      );
    }
    if (!isJsonObject(schema)) {
      this.register(state.keys, {
        schema,
        baseUri: state.baseUri,
        path: state.path,
        dialect: state.dialect,
        isResourceRoot: false,
      });
      return;
    }
    if (this.ancestors.has(schema)) {
      throw conversionError(
        state.path,
        "$ref",
        "The schema object graph contains itself (a JavaScript object cycle).",
      );
    }
    let dialect =
      (state.honorsSchemaKeyword ? dialectFromSchemaUri(schema.$schema) : undefined) ?? state.dialect;
    let vocabularies = state.vocabularies;
    if (typeof schema.$schema === "string" && dialectFromSchemaUri(schema.$schema) === undefined) {
      // A custom meta-schema: its own $schema gives the dialect (unless the caller forced one),
      // its $vocabulary the keywords in force.
      const metaSchema = this.peekDocument(normalizeUri(splitFragment(schema.$schema).base));
      if (isJsonObject(metaSchema)) {
        if (state.honorsSchemaKeyword) dialect = dialectFromSchemaUri(metaSchema.$schema) ?? dialect;
        if (isJsonObject(metaSchema.$vocabulary)) vocabularies = new Set(Object.keys(metaSchema.$vocabulary));
      }
    }
    let baseUri = state.baseUri;
    let keys = state.keys;
    let isResourceRoot = state.depth === 0;
    const anchors: string[] = [];
    const dynamicAnchors: string[] = [];
    const ignoresSiblings = dialect === "draft-07" && Object.hasOwn(schema, "$ref");
    const id = schema.$id;
    if (typeof id === "string" && !ignoresSiblings) {
      if (id.startsWith("#") && allowsDraft07Forms(dialect)) {
        if (id.length > 1) anchors.push(decodeFragment(id.slice(1)));
      } else {
        const resolved = resolveUri(baseUri, id);
        if (resolved === undefined) {
          throw conversionError(
            appendPointer(state.path, "$id"),
            "$id",
            `"$id" value "${id}" is not a resolvable URI.`,
          );
        }
        const { base, fragment } = splitFragment(resolved);
        if (fragment !== undefined && fragment !== "" && allowsDraft07Forms(dialect)) {
          anchors.push(decodeFragment(fragment));
        }
        if (base !== baseUri || state.depth > 0) {
          baseUri = base;
          keys = [...keys, [base, ""]];
          isResourceRoot = true;
        }
      }
    }
    if (allows2020Keywords(dialect)) {
      if (typeof schema.$anchor === "string") anchors.push(schema.$anchor);
      if (typeof schema.$dynamicAnchor === "string") {
        anchors.push(schema.$dynamicAnchor);
        dynamicAnchors.push(schema.$dynamicAnchor);
      }
      if (Object.hasOwn(schema, "$dynamicRef")) this.usesDynamicReferences = true;
    }
    const location: SchemaLocation = {
      schema,
      baseUri,
      path: state.path,
      dialect,
      isResourceRoot,
      vocabularies,
    };
    const resource = this.ensureResource(baseUri, location);
    for (const name of anchors) if (!resource.anchors.has(name)) resource.anchors.set(name, location);
    for (const name of dynamicAnchors) {
      if (!resource.dynamicAnchors.has(name)) resource.dynamicAnchors.set(name, location);
    }
    if (!this.locationsBySchema.has(schema)) this.locationsBySchema.set(schema, location);
    this.register(keys, location);

    this.ancestors.add(schema);
    const child = (value: unknown, ...tokens: string[]) => {
      const suffix = tokens.map((token) => `/${escapePointerToken(token)}`).join("");
      this.scan(value, {
        baseUri,
        dialect,
        path: state.path + suffix,
        keys: keys.map(([uri, pointer]) => [uri, pointer + suffix] as const),
        depth: state.depth + 1,
        honorsSchemaKeyword: true,
        vocabularies,
      });
    };
    for (const keyword of SINGLE_SUBSCHEMA_KEYWORDS) {
      const value = schema[keyword];
      if (Object.hasOwn(schema, keyword) && (isJsonObject(value) || typeof value === "boolean"))
        child(value, keyword);
    }
    for (const keyword of ARRAY_SUBSCHEMA_KEYWORDS) {
      const value = schema[keyword];
      if (Object.hasOwn(schema, keyword) && Array.isArray(value)) {
        value.forEach((item, index) => {
          child(item, keyword, String(index));
        });
      }
    }
    for (const keyword of MAP_SUBSCHEMA_KEYWORDS) {
      const value = schema[keyword];
      if (Object.hasOwn(schema, keyword) && isJsonObject(value)) {
        for (const name of Object.keys(value)) {
          const member = value[name];
          if (isJsonObject(member) || typeof member === "boolean") child(member, keyword, name);
        }
      }
    }
    this.ancestors.delete(schema);
  }
}
