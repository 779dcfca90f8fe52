import { badParam } from '../errors.ts';
import {
  type Json,
  arrayAt,
  child,
  httpUrl,
  isObject,
  objectAt,
  oneOf,
  stringAt,
} from './fields.ts';
import { mediaObject } from './media-object.ts';

/** What a simulated customer can tap: button ids/titles or list rows. */
export interface InteractiveChoices {
  kind: 'button' | 'list' | 'cta_url' | 'other';
  buttons: { id: string; title: string }[];
  rows: { id: string; title: string; description?: string }[];
  mediaIds: string[];
}

const SUPPORTED = ['button', 'list', 'cta_url', 'product', 'product_list', 'catalog_message', 'flow',
  'location_request_message', 'call_permission_request'] as const;

function header(obj: Json, path: string, allowMedia: boolean, mediaIds: string[]): void {
  const h = objectAt(obj, 'header', path, false);
  if (!h) return;
  const hp = child(path, 'header');
  const t = oneOf(stringAt(h, 'type', hp, true), allowMedia ? ['text', 'image', 'video', 'document'] : ['text'], child(hp, 'type'));
  if (t === 'text') {
    stringAt(h, 'text', hp, true, { max: 60 });
    return;
  }
  const m = mediaObject(objectAt(h, t, hp, true), child(hp, t));
  if (m.id) mediaIds.push(m.id);
}

function footer(obj: Json, path: string): void {
  const f = objectAt(obj, 'footer', path, false);
  if (f) stringAt(f, 'text', child(path, 'footer'), true, { max: 60 });
}

/** Validate an `interactive` object against the documented limits (spec §1.4). */
export function validateInteractive(obj: Json): InteractiveChoices {
  const path = 'interactive';
  const type = oneOf(stringAt(obj, 'type', path, true), SUPPORTED, child(path, 'type'));
  const out: InteractiveChoices = { kind: 'other', buttons: [], rows: [], mediaIds: [] };
  const action = objectAt(obj, 'action', path, true);
  const ap = child(path, 'action');

  if (type === 'button') {
    out.kind = 'button';
    header(obj, path, true, out.mediaIds);
    stringAt(objectAt(obj, 'body', path, true), 'text', child(path, 'body'), true, { max: 1024 });
    footer(obj, path);
    const buttons = arrayAt(action, 'buttons', ap, true);
    const bp = child(ap, 'buttons');
    if (buttons.length < 1 || buttons.length > 3) throw badParam(`Param ${bp} must contain 1 to 3 elements.`);
    const ids = new Set<string>();
    const titles = new Set<string>();
    buttons.forEach((b, i) => {
      const p = child(bp, i);
      if (!isObject(b)) throw badParam(`Param ${p} must be a JSON object.`);
      oneOf(stringAt(b, 'type', p, true), ['reply'], child(p, 'type'));
      const reply = objectAt(b, 'reply', p, true);
      const rp = child(p, 'reply');
      const id = stringAt(reply, 'id', rp, true, { max: 256 });
      const title = stringAt(reply, 'title', rp, true, { max: 20 });
      if (id !== id.trim()) throw badParam(`Param ${child(rp, 'id')} must not have leading or trailing spaces.`);
      if (ids.has(id)) throw badParam(`Param ${child(rp, 'id')} must be unique; "${id}" is repeated.`);
      if (titles.has(title)) throw badParam(`Param ${child(rp, 'title')} must be unique; "${title}" is repeated.`);
      ids.add(id);
      titles.add(title);
      out.buttons.push({ id, title });
    });
    return out;
  }

  if (type === 'list') {
    out.kind = 'list';
    header(obj, path, false, out.mediaIds);
    stringAt(objectAt(obj, 'body', path, true), 'text', child(path, 'body'), true, { max: 4096 });
    footer(obj, path);
    stringAt(action, 'button', ap, true, { max: 20 });
    const sections = arrayAt(action, 'sections', ap, true);
    const sp = child(ap, 'sections');
    if (sections.length < 1 || sections.length > 10) throw badParam(`Param ${sp} must contain 1 to 10 elements.`);
    const rowIds = new Set<string>();
    sections.forEach((s, i) => {
      const p = child(sp, i);
      if (!isObject(s)) throw badParam(`Param ${p} must be a JSON object.`);
      stringAt(s, 'title', p, sections.length > 1, { max: 24 });
      const rows = arrayAt(s, 'rows', p, true);
      if (rows.length < 1) throw badParam(`Param ${child(p, 'rows')} must contain at least 1 element.`);
      rows.forEach((r, j) => {
        const rp = child(child(p, 'rows'), j);
        if (!isObject(r)) throw badParam(`Param ${rp} must be a JSON object.`);
        const id = stringAt(r, 'id', rp, true, { max: 200 });
        const title = stringAt(r, 'title', rp, true, { max: 24 });
        const description = stringAt(r, 'description', rp, false, { max: 72 });
        if (rowIds.has(id)) throw badParam(`Param ${child(rp, 'id')} must be unique; "${id}" is repeated.`);
        rowIds.add(id);
        out.rows.push(description === undefined ? { id, title } : { id, title, description });
      });
    });
    if (out.rows.length > 10) throw badParam(`Param ${sp} must contain at most 10 rows in total.`);
    return out;
  }

  if (type === 'cta_url') {
    out.kind = 'cta_url';
    header(obj, path, true, out.mediaIds);
    stringAt(objectAt(obj, 'body', path, true), 'text', child(path, 'body'), true, { max: 1024 });
    footer(obj, path);
    oneOf(stringAt(action, 'name', ap, true), ['cta_url'], child(ap, 'name'));
    const params = objectAt(action, 'parameters', ap, true);
    const pp = child(ap, 'parameters');
    stringAt(params, 'display_text', pp, true, { max: 20 });
    httpUrl(stringAt(params, 'url', pp, true), child(pp, 'url'));
    return out;
  }

  // Other documented interactive types: check only the envelope.
  const body = objectAt(obj, 'body', path, false);
  if (body) stringAt(body, 'text', child(path, 'body'), false, { max: 1024 });
  return out;
}
