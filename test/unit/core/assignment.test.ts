import { describe, expect, it } from 'vitest';
import { canAccessConversation, canAssignTo, chooseAssignee, type Member, type PrincipalFacts } from '../../../src/core/assignment.ts';

const m = (userId: string, over: Partial<Member> = {}): Member => ({ userId, online: true, disabled: false, openCount: 0, ...over });

describe('chooseAssignee', () => {
  const team = [m('a', { openCount: 3 }), m('b', { openCount: 1 }), m('c', { openCount: 1 }), m('d', { openCount: 0, online: false }), m('e', { openCount: 0, disabled: true })];
  const cases: [string, Parameters<typeof chooseAssignee>[0], string | null, string][] = [
    ['manual assigns nobody', { mode: 'manual', members: team, lastAssignedUserId: null }, null, 'manual'],
    ['unknown mode assigns nobody', { mode: 'lottery', members: team, lastAssignedUserId: null }, null, 'unknown_mode'],
    ['round robin starts with the first by id', { mode: 'round_robin', members: team, lastAssignedUserId: null }, 'a', 'round_robin'],
    ['round robin takes the next after the pointer', { mode: 'round_robin', members: team, lastAssignedUserId: 'a' }, 'b', 'round_robin'],
    ['round robin skips offline and disabled, wrapping around', { mode: 'round_robin', members: team, lastAssignedUserId: 'c' }, 'a', 'round_robin'],
    ['round robin continues after a pointer who left the team', { mode: 'round_robin', members: team, lastAssignedUserId: 'bb' }, 'c', 'round_robin'],
    ['round robin ignores member order', { mode: 'round_robin', members: [...team].reverse(), lastAssignedUserId: 'a' }, 'b', 'round_robin'],
    ['least busy picks the lowest load among available', { mode: 'least_busy', members: team, lastAssignedUserId: null }, 'b', 'least_busy'],
    ['least busy breaks ties by rotation', { mode: 'least_busy', members: team, lastAssignedUserId: 'b' }, 'c', 'least_busy'],
    ['least busy never picks offline or disabled, even if idle', { mode: 'least_busy', members: [m('d', { online: false }), m('e', { disabled: true }), m('z', { openCount: 9 })], lastAssignedUserId: null }, 'z', 'least_busy'],
    ['nobody online: stays in the team queue', { mode: 'round_robin', members: [m('d', { online: false }), m('e', { disabled: true })], lastAssignedUserId: null }, null, 'nobody_available'],
    ['empty team', { mode: 'least_busy', members: [], lastAssignedUserId: null }, null, 'nobody_available'],
  ];
  it.each(cases)('%s', (_name, input, userId, reason) => {
    const d = chooseAssignee(input);
    expect(d.userId).toBe(userId);
    expect(d.reason).toBe(reason);
  });

  it('round robin spreads a run of conversations evenly over the available agents', () => {
    let last: string | null = null;
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = chooseAssignee({ mode: 'round_robin', members: team, lastAssignedUserId: last });
      got.push(d.userId!);
      last = d.userId;
    }
    expect(got).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('access', () => {
  const agent: PrincipalFacts = { kind: 'user', userId: 'me', role: 'agent', teamIds: ['t1'] };
  const cases: [string, PrincipalFacts, { teamId: string | null; assigneeId: string | null }, boolean][] = [
    ['agent: assigned to me (other team)', agent, { teamId: 't2', assigneeId: 'me' }, true],
    ['agent: assigned to me (no team)', agent, { teamId: null, assigneeId: 'me' }, true],
    ['agent: my team, unassigned', agent, { teamId: 't1', assigneeId: null }, true],
    ['agent: my team, a teammate', agent, { teamId: 't1', assigneeId: 'x' }, true],
    ['agent: other team, unassigned', agent, { teamId: 't2', assigneeId: null }, false],
    ['agent: other team, someone else', agent, { teamId: 't2', assigneeId: 'x' }, false],
    ['agent: no team, unassigned', agent, { teamId: null, assigneeId: null }, false],
    ['supervisor: anything', { ...agent, role: 'supervisor', teamIds: [] }, { teamId: 't2', assigneeId: 'x' }, true],
    ['admin: anything', { ...agent, role: 'admin', teamIds: [] }, { teamId: null, assigneeId: null }, true],
    ['owner: anything', { ...agent, role: 'owner', teamIds: [] }, { teamId: 't2', assigneeId: null }, true],
    ['API token: anything', { kind: 'token', userId: null, role: 'agent', teamIds: [] }, { teamId: 't2', assigneeId: 'x' }, true],
  ];
  it.each(cases)('%s', (_name, p, c, expected) => {
    expect(canAccessConversation(p, c)).toBe(expected);
  });

  it('agents assign to themselves, to nobody, or inside the team; others anywhere', () => {
    expect(canAssignTo(agent, { userId: 'me', memberOfConversationTeam: false })).toBe(true);
    expect(canAssignTo(agent, { userId: null, memberOfConversationTeam: false })).toBe(true);
    expect(canAssignTo(agent, { userId: 'x', memberOfConversationTeam: true })).toBe(true);
    expect(canAssignTo(agent, { userId: 'x', memberOfConversationTeam: false })).toBe(false);
    expect(canAssignTo({ ...agent, role: 'supervisor' }, { userId: 'x', memberOfConversationTeam: false })).toBe(true);
  });
});
