/**
 * Case- and accent-insensitive name matching in SQL, the same folding as core's fold() ("María" = "maria").
 * Contact search, the inbox search and segment filters all compare the folded display name, so one
 * index (contacts_name_folded_idx, text_pattern_ops) answers their prefix and equality tests.
 */
import { sql, type SQL } from 'drizzle-orm';
import { FOLD_FROM, FOLD_TO, fold } from '../core/segments/index.ts';
import { likeLiteral } from '../store/like.ts';

const FROM = sql.raw(`'${FOLD_FROM}'`);
const TO = sql.raw(`'${FOLD_TO}'`);

/** translate(lower(x), …): the SQL twin of fold(). */
export const foldSql = (x: SQL): SQL => sql`translate(lower(${x}), ${FROM}, ${TO})`;

/** The folded display name (the business's name for the contact, else their WhatsApp profile name). */
export const foldedName = (name: SQL, profileName: SQL): SQL => foldSql(sql`coalesce(${name}, ${profileName})`);

/** A LIKE pattern for "starts with `text`": folded, with LIKE's wildcards taken literally. */
export const prefixPattern = (text: string, folded = true): string => `${likeLiteral(folded ? fold(text) : text)}%`;
