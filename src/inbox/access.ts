// Access per conversation, enforced in SQL for lists and counts and per row for actions.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { canAccessConversation, seesEverything } from '../core/assignment.ts';
import type { Principal } from './principal.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidList(ids: readonly string[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
}

/** The rows of `conversations c` this principal may see; null when everything. Mirrors canAccessConversation. */
export function accessSql(p: Principal): SQL | null {
  if (seesEverything(p)) return null;
  const mine = p.userId ? sql`c.assignee_id = ${p.userId}::uuid` : sql`false`;
  if (p.teamIds.length === 0) return sql`(${mine})`;
  return sql`(${mine} or c.team_id in (${uuidList(p.teamIds)}))`;
}

export interface ConversationCore {
  id: string;
  teamId: string | null;
  assigneeId: string | null;
  phoneNumberId: string;
  contactId: string;
  state: string;
}

/**
 * The conversation if this principal may see it: 404 when it does not exist, 403 with words when it
 * belongs to someone else. `forUpdate` locks it for an action in a transaction.
 */
export async function loadAccessible(db: Db, p: Principal, id: string, options: { forUpdate?: boolean } = {}): Promise<ConversationCore> {
  if (!UUID.test(id)) throw new HttpError(404, 'conversation_not_found', `There is no conversation ${id}.`);
  const rows = (await db.execute(sql`
    select c.id, c.team_id, c.assignee_id, c.phone_number_id, c.contact_id, c.state, t.name as team_name
    from conversations c left join teams t on t.id = c.team_id
    where c.id = ${id}::uuid ${options.forUpdate ? sql`for update of c` : sql``}`)) as unknown as {
    rows: { id: string; team_id: string | null; assignee_id: string | null; phone_number_id: string; contact_id: string; state: string; team_name: string | null }[];
  };
  const r = rows.rows[0];
  if (!r) throw new HttpError(404, 'conversation_not_found', `There is no conversation ${id}.`);
  const core: ConversationCore = { id: r.id, teamId: r.team_id, assigneeId: r.assignee_id, phoneNumberId: r.phone_number_id, contactId: r.contact_id, state: r.state };
  if (!canAccessConversation(p, core)) {
    const where = r.team_name ? `belongs to the team "${r.team_name}"` : 'is not in any of your teams';
    throw new HttpError(
      403,
      'conversation_forbidden',
      `This conversation ${where} and is not assigned to you, so you cannot open or change it. Ask a supervisor, or someone in that team, to transfer or assign it to you.`,
      { conversationId: id, teamId: r.team_id },
    );
  }
  return core;
}
