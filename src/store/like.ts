/** `text` for a LIKE/ILIKE pattern with its wildcards (`%`, `_`) and escape character (`\`) taken literally. */
export const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
