// Shapes the server answers with. Fields the inbox/accounts/templates capabilities add later are
// optional so the screens degrade instead of crashing while those APIs land.

export type Role = 'owner' | 'admin' | 'supervisor' | 'agent';
export type Language = 'es' | 'en';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: Language | null;
  availability: 'online' | 'away';
  teamIds: string[];
  disabledAt?: string | null;
}

export interface Me {
  user: User;
  csrfToken: string;
}

export interface Team {
  id: string;
  name: string;
  assignment: 'manual' | 'round_robin' | 'least_busy';
  memberIds?: string[];
  members?: { id: string; name: string }[];
}

export interface Label {
  id: string;
  name: string;
  color: string | null;
}

export interface QuickReply {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  language: Language | null;
}

export interface NumberView {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string | null;
  throughputMps: number;
  qualityRating: string | null;
  messagingLimitTier: string | null;
  teamId?: string | null;
  createdAt: string;
}

export type ConversationState = 'open' | 'pending' | 'resolved';

export interface ContactBrief {
  id: string;
  displayName: string | null;
  phone: string | null;
  kind: string;
  username?: string | null;
}

export interface ConversationSummary {
  id: string;
  state: ConversationState;
  contactId: string;
  contact?: ContactBrief;
  phoneNumberId: string;
  number?: { id: string; displayPhoneNumber: string } | null;
  assigneeId: string | null;
  assignee?: { id: string; name: string | null } | null;
  teamId: string | null;
  team?: { id: string; name: string | null } | null;
  important: boolean;
  unreadCount: number;
  lastMessageAt: string | null;
  lastInboundAt?: string | null;
  windowExpiresAt: string | null;
  labels?: Label[];
  lastMessage?: { id?: string; type: string; direction: 'in' | 'out'; text?: string | null; status?: string; at?: string } | null;
}

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

export interface InboxCounts {
  [view: string]: number | Record<string, number> | undefined;
}

export interface MessageError {
  code?: number | string;
  title?: string;
  message?: string;
  details?: string;
  explanation?: { en?: string; es?: string };
  advice?: { en?: string; es?: string };
}

export interface Message {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  type: string;
  status: string;
  wamid: string | null;
  content: Record<string, unknown>;
  contextWamid: string | null;
  at: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  errors: MessageError[] | null;
  errorText: string | null;
  outbound?: { state: string; attempts: number; nextAttemptAt: string | null } | null;
  author?: { id: string; name: string } | null;
  /** Current reactions on this message (from the timeline). */
  reactionEmojis?: string[];
  /** The quoted message's text when this one is a reply. */
  replyPreview?: string | null;
}

export interface Note {
  id: string;
  conversationId: string;
  authorId: string | null;
  author?: { id: string; name: string | null } | null;
  body: string;
  /** note | transfer | assignment | system */
  noteKind: string;
  createdAt: string;
}

/** One item of the conversation timeline: a message or an internal note. */
export type TimelineItem = ({ kind: 'message' } & Message) | ({ kind: 'note' } & Note);

export interface ContactView {
  id: string;
  kind: 'unknown' | 'lead' | 'customer' | 'supplier';
  name: string | null;
  profileName: string | null;
  displayName: string | null;
  phone: string | null;
  waId: string | null;
  bsuid: string | null;
  username: string | null;
  email: string | null;
  country: string | null;
  market: string | null;
  organizationId: string | null;
  ownerId: string | null;
  preferredLanguage: string | null;
  timeZone: string | null;
  fields: Record<string, unknown>;
  tags: string[];
  /** Set once this record was merged into another (the record kept). */
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentState {
  state?: string;
  category?: string;
  source?: string | null;
  evidence?: string | null;
  at?: string | null;
}

export interface ContactDetail extends ContactView {
  organization: { id: string; name: string } | null;
  consent: Record<string, ConsentState | string | null> | ConsentState[];
  conversations: {
    id: string;
    state: ConversationState;
    number: string;
    phoneNumberId: string;
    windowOpen: boolean;
    windowExpiresAt: string | null;
    lastMessageAt: string | null;
    unreadCount: number;
  }[];
}

export interface SegmentPreview {
  count: number;
  sample: { id: string; displayName: string | null; waId: string | null; kind: string; email: string | null }[];
}

export interface ImportPreview {
  fileName: string | null;
  delimiter: string;
  encoding: string;
  headers: string[];
  rows: string[][];
  suggestedMapping: Record<string, string>;
  problems: { message: string; column?: string }[] | string[];
  targets: string[];
}

export interface ImportJob {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | string;
  dryRun: boolean;
  fileName: string | null;
  totalRows: number;
  processedRows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  percent: number;
  error: string | null;
}

export interface ImportRow {
  row: number;
  outcome: 'rejected' | 'created' | 'updated' | 'skipped';
  column: string | null;
  value: string | null;
  reason: string | null;
}

export interface TemplateView {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  parameterFormat?: 'positional' | 'named';
  components: TemplateComponent[];
  wabaId?: string;
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text: string; url?: string }[];
  example?: unknown;
}

/** A template preview filled with a contact's values (templates API). */
export interface TemplatePreview {
  variables: { key: string; component: string; value: string | null; source?: string | null; index?: number }[];
  text?: string;
  rendered?: { header?: string | null; body?: string; footer?: string | null };
  components?: unknown[];
}
