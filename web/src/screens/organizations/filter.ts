// Links from an organization to the contacts list go through the segment filter language.

const ESCAPED: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t' };

/**
 * A text value for the segment language: in double quotes, where src/core/segments/lexer.ts reads
 * \\ and \" as escapes (and \n, \t); anything else, spaces and other quote marks included, stays as is.
 */
export function segmentString(text: string): string {
  return `"${text.replace(/[\\"\n\t]/g, (c) => ESCAPED[c]!)}"`;
}

/** The filter selecting an organization's contacts by its name, e.g. organization = "Ferretería \"El Clavo\"". */
export function organizationFilter(name: string): string {
  return `organization = ${segmentString(name)}`;
}
