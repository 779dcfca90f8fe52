/** Customer-service window and free-entry-point window rules (spec §4.1, §4.2). Pure. */
export const CSW_MS = 24 * 60 * 60 * 1000;
export const FEP_MS = 72 * 60 * 60 * 1000;

export interface Conversation {
  /** Last message the user sent to this business number. */
  lastInboundAt?: number;
  /** The user arrived from a click-to-WhatsApp ad (referral) at this time. */
  referralAt?: number;
  /** Free-entry-point window end, opened by the business's first reply to a referral. */
  fepUntil?: number;
}

export function isWindowOpen(c: Conversation | undefined, now: number): boolean {
  return c?.lastInboundAt !== undefined && now - c.lastInboundAt < CSW_MS;
}

export function windowExpiresAt(c: Conversation | undefined): number | undefined {
  return c?.lastInboundAt === undefined ? undefined : c.lastInboundAt + CSW_MS;
}

/**
 * FEP after a business message at `now`: a reply within 24 h of an ad referral opens a 72 h
 * window from that reply. Returns the (possibly new) end of the FEP window.
 */
export function fepAfterSend(c: Conversation | undefined, now: number): number | undefined {
  if (c?.fepUntil !== undefined && now < c.fepUntil) return c.fepUntil;
  if (c?.referralAt !== undefined && now - c.referralAt < CSW_MS && c.fepUntil === undefined) return now + FEP_MS;
  return undefined;
}
