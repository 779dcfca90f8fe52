// Cloud API send bodies (spec §1.1–1.6) as TypeScript types. Field names are Meta's, on purpose.

export type MediaRef = { id: string; link?: never } | { link: string; id?: never };

export interface TextObject {
  body: string;
  preview_url?: boolean;
}
export type ImageObject = MediaRef & { caption?: string };
export type VideoObject = MediaRef & { caption?: string };
export type AudioObject = MediaRef & { voice?: boolean };
export type DocumentObject = MediaRef & { caption?: string; filename?: string };
export type StickerObject = MediaRef;

export interface LocationObject {
  latitude: number | string;
  longitude: number | string;
  name?: string;
  address?: string;
}

export interface ContactCard {
  name: {
    formatted_name: string;
    first_name?: string;
    last_name?: string;
    middle_name?: string;
    suffix?: string;
    prefix?: string;
  };
  phones?: { phone?: string; type?: string; wa_id?: string }[];
  emails?: { email?: string; type?: string }[];
  addresses?: {
    street?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: string;
    country_code?: string;
    type?: string;
  }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  birthday?: string;
}

export interface ReactionObject {
  message_id: string;
  /** An empty string removes our reaction. */
  emoji: string;
}

export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } };

export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface InteractiveButton {
  type: 'button';
  header?: InteractiveHeader;
  body: { text: string };
  footer?: { text: string };
  action: { buttons: ReplyButton[] };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}
export interface ListSection {
  title?: string;
  rows: ListRow[];
}
export interface InteractiveList {
  type: 'list';
  header?: { type: 'text'; text: string };
  body: { text: string };
  footer?: { text: string };
  action: { button: string; sections: ListSection[] };
}

export interface InteractiveCtaUrl {
  type: 'cta_url';
  header?: InteractiveHeader;
  body: { text: string };
  footer?: { text: string };
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

export type InteractiveObject = InteractiveButton | InteractiveList | InteractiveCtaUrl;

export type TemplateTextParameter = { type: 'text'; text: string; parameter_name?: string };
export type TemplateCurrencyParameter = {
  type: 'currency';
  currency: { fallback_value: string; code: string; amount_1000: number };
  parameter_name?: string;
};
export type TemplateDateTimeParameter = {
  type: 'date_time';
  date_time: { fallback_value: string };
  parameter_name?: string;
};
export type TemplateMediaParameter =
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef & { filename?: string } };
export type TemplateLocationParameter = { type: 'location'; location: LocationObject };

export type TemplateParameter =
  | TemplateTextParameter
  | TemplateCurrencyParameter
  | TemplateDateTimeParameter
  | TemplateMediaParameter
  | TemplateLocationParameter;

export type TemplateButtonParameter =
  | { type: 'payload'; payload: string }
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'coupon_code'; coupon_code: string };

export type TemplateSendComponent =
  | { type: 'header'; parameters: TemplateParameter[] }
  | { type: 'body'; parameters: TemplateParameter[] }
  | {
      type: 'button';
      sub_type: 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog' | 'mpm';
      index: string | number;
      parameters: TemplateButtonParameter[];
    };

export interface TemplateObject {
  name: string;
  language: { code: string; policy?: 'deterministic' };
  components?: TemplateSendComponent[];
}

interface BodyBase {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual' | 'group';
  /** Phone in any format Meta accepts; wins over `recipient` when both are present (spec §9). */
  to?: string;
  /** Business-scoped user ID (or parent BSUID). */
  recipient?: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
  recipient_identity_key_hash?: string;
}

export type OutboundMessage =
  | (BodyBase & { type: 'text'; text: TextObject })
  | (BodyBase & { type: 'image'; image: ImageObject })
  | (BodyBase & { type: 'video'; video: VideoObject })
  | (BodyBase & { type: 'audio'; audio: AudioObject })
  | (BodyBase & { type: 'document'; document: DocumentObject })
  | (BodyBase & { type: 'sticker'; sticker: StickerObject })
  | (BodyBase & { type: 'location'; location: LocationObject })
  | (BodyBase & { type: 'contacts'; contacts: ContactCard[] })
  | (BodyBase & { type: 'reaction'; reaction: ReactionObject })
  | (BodyBase & { type: 'interactive'; interactive: InteractiveObject })
  | (BodyBase & { type: 'template'; template: TemplateObject });

export type OutboundType = OutboundMessage['type'];
export const OUTBOUND_TYPES: readonly OutboundType[] = [
  'text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template',
];

/** Mark as read (optionally with a typing indicator), spec §1.6: same endpoint, not a message. */
export interface MarkReadBody {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
  typing_indicator?: { type: 'text' };
}

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';
