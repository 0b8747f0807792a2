/**
 * Casso v2 signs JSON of the body with its keys sorted recursively, but "JSON" depends on the
 * encoder that made the sample: JavaScript's JSON.stringify, PHP's json_encode (which escapes
 * `/` as `\/` and every non-ASCII character as `\uXXXX`) and Python's json.dumps (ASCII-escaped
 * too, with `", "` and `": "` between items). A Vietnamese description makes them differ, so a
 * signature is accepted over any of them.
 */

export interface JsonEncoding {
  name: 'javascript' | 'php' | 'python';
  escapeSlash: boolean;
  asciiOnly: boolean;
  spaced: boolean;
}

export const JSON_ENCODINGS: readonly JsonEncoding[] = [
  { name: 'javascript', escapeSlash: false, asciiOnly: false, spaced: false },
  { name: 'php', escapeSlash: true, asciiOnly: true, spaced: false },
  { name: 'python', escapeSlash: false, asciiOnly: true, spaced: true },
];

/** Keys sorted A→Z at every depth; arrays keep their order. */
export function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, item]) => [key, sortedDeep(item)]));
  }
  return value;
}

function encodeString(value: string, encoding: JsonEncoding): string {
  let out = JSON.stringify(value);
  if (encoding.escapeSlash) out = out.replaceAll('/', '\\/');
  if (encoding.asciiOnly) out = out.replace(/[^ -~\t\n\r]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return out;
}

/**
 * @example encodeJson(sortedDeep({ b: "ạ/", a: 1 }), JSON_ENCODINGS[1]) // '{"a":1,"b":"\\u1ea1\\/"}'
 */
export function encodeJson(value: unknown, encoding: JsonEncoding): string {
  const comma = encoding.spaced ? ', ' : ',';
  const colon = encoding.spaced ? ': ' : ':';
  if (typeof value === 'string') return encodeString(value, encoding);
  if (Array.isArray(value)) return `[${value.map((item) => encodeJson(item, encoding)).join(comma)}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${encodeString(key, encoding)}${colon}${encodeJson(item, encoding)}`)
      .join(comma)}}`;
  return JSON.stringify(value ?? null);
}
