/**
 * URI resolution for `$id` and `$ref` (RFC 3986), built on the WHATWG `URL` parser but keeping
 * fragments untouched so JSON pointer fragments survive exactly as written.
 */

/** Base URI given to a root schema that has no `$id`; hierarchical so relative refs resolve. */
export const DEFAULT_BASE_URI = "json-schema-root:/root.json";

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Splits a URI into the part before `#` and the fragment (without `#`, undefined when absent). */
export function splitFragment(uri: string): { base: string; fragment: string | undefined } {
  const hashIndex = uri.indexOf("#");
  if (hashIndex === -1) return { base: uri, fragment: undefined };
  return { base: uri.slice(0, hashIndex), fragment: uri.slice(hashIndex + 1) };
}

/** Normalises an absolute URI without fragment (case of scheme and host, dot segments). */
export function normalizeUri(uri: string): string {
  try {
    return new URL(uri).href;
  } catch {
    return uri;
  }
}

/**
 * Resolves `reference` against `base` (both may carry fragments; the base's is dropped).
 * Returns undefined when the reference cannot be resolved (e.g. a relative reference against an
 * opaque base such as a URN).
 */
export function resolveUri(base: string, reference: string): string | undefined {
  const { base: baseWithoutFragment } = splitFragment(base);
  const { base: referenceBase, fragment } = splitFragment(reference);
  let resolved: string;
  if (referenceBase === "") {
    resolved = baseWithoutFragment;
  } else if (SCHEME.test(referenceBase)) {
    resolved = normalizeUri(referenceBase);
  } else {
    try {
      resolved = new URL(referenceBase, baseWithoutFragment).href;
    } catch {
      return undefined;
    }
  }
  // The WHATWG parser may add an empty fragment or query marker we did not ask for.
  resolved = splitFragment(resolved).base;
  return fragment === undefined ? resolved : `${resolved}#${fragment}`;
}

/** Percent-decodes a fragment, leaving it as written when it is not valid percent-encoding. */
export function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
