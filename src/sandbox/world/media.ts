import { createHash, createHmac } from 'node:crypto';
import type { Engine } from '../engine.ts';
import { GraphError, badParam, missing } from '../errors.ts';
import { newMediaId } from '../ids.ts';
import type { Media } from './state.ts';

const URL_TTL_MS = 5 * 60 * 1000;
const UPLOAD_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const MB = 1024 * 1024;

/** Supported MIME types and size caps (spec §1.3/§1.7). */
const LIMITS: [RegExp, number][] = [
  [/^image\/(jpeg|png)$/, 5 * MB],
  [/^image\/webp$/, 500 * 1024],
  [/^video\/(mp4|3gpp)$/, 16 * MB],
  [/^audio\/(aac|amr|mpeg|mp4|ogg)(;.*)?$/, 16 * MB],
  [/^(text\/plain|application\/pdf|application\/(msword|vnd\.ms-excel|vnd\.ms-powerpoint)|application\/vnd\.openxmlformats-officedocument\.[a-z.]+)$/, 100 * MB],
];

export function mediaLimit(mime: string): number | undefined {
  return LIMITS.find(([re]) => re.test(mime))?.[1];
}

export interface UploadInput {
  messagingProduct: string | undefined;
  type: string | undefined;
  file: { bytes: Buffer; filename?: string; mimetype?: string } | undefined;
}

/** POST /{phone_number_id}/media */
export function uploadMedia(e: Engine, phoneNumberId: string, input: UploadInput): { id: string } {
  if (input.messagingProduct === undefined) throw missing('messaging_product');
  if (input.messagingProduct !== 'whatsapp') throw badParam(`Param messaging_product must be one of {WHATSAPP} - got "${input.messagingProduct}".`);
  if (!input.file) throw missing('file');
  const mime = input.type ?? input.file.mimetype;
  if (!input.type) throw missing('type');
  const limit = mime ? mediaLimit(mime) : undefined;
  if (!mime || limit === undefined) throw new GraphError(131053, `Unsupported media type ${mime ?? ''}.`);
  if (input.file.mimetype && input.file.mimetype !== 'application/octet-stream' && input.file.mimetype.split(';')[0] !== mime.split(';')[0]) {
    throw new GraphError(131053, `The file's MIME type ${input.file.mimetype} does not match type ${mime}.`);
  }
  if (input.file.bytes.length > limit) throw new GraphError(131053, `File is larger than the ${Math.round(limit / 1024)} KB allowed for ${mime}.`);
  if (input.file.bytes.length === 0) throw new GraphError(131053, 'The uploaded file is empty.');
  const id = newMediaId();
  const media: Media = {
    id,
    phoneNumberId,
    mimeType: mime,
    bytes: input.file.bytes,
    sha256: createHash('sha256').update(input.file.bytes).digest('hex'),
    createdAt: e.clock.now(),
    deleted: false,
  };
  if (input.file.filename) media.filename = input.file.filename;
  e.world.media.set(id, media);
  return { id };
}

export function liveMedia(e: Engine, id: string, phoneNumberId: string | undefined): Media | undefined {
  const m = e.world.media.get(id);
  if (!m || m.deleted || e.clock.now() - m.createdAt > UPLOAD_TTL_MS) return undefined;
  if (phoneNumberId !== undefined && phoneNumberId !== m.phoneNumberId) {
    throw badParam(`Media ${id} was not uploaded by phone number ${phoneNumberId}.`);
  }
  return m;
}

function urlHash(e: Engine, id: string, exp: number): string {
  return createHmac('sha256', e.opts.appSecret).update(`${id}:${exp}`).digest('hex').slice(0, 32);
}

/** A download URL valid for 5 minutes of sandbox time. */
export function mediaUrl(e: Engine, id: string): string {
  const exp = e.clock.now() + URL_TTL_MS;
  return `${e.baseUrl()}/whatsapp_business/attachments/?mid=${id}&ext=${exp}&hash=${urlHash(e, id, exp)}`;
}

export function mediaInfo(e: Engine, m: Media): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    url: mediaUrl(e, m.id),
    mime_type: m.mimeType,
    sha256: m.sha256,
    file_size: m.bytes.length,
    id: m.id,
  };
}

/** Resolve a download URL's query; undefined when the link is forged, expired or the media is gone. */
export function mediaForDownload(e: Engine, mid: string, ext: string, hash: string): Media | undefined {
  const exp = Number(ext);
  if (!Number.isFinite(exp) || hash !== urlHash(e, mid, exp) || e.clock.now() > exp) return undefined;
  return liveMedia(e, mid, undefined);
}
