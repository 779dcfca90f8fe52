import { badParam, missing } from '../errors.ts';
import { type Json, httpUrl, isObject, oneOf, onlyKeys, stringAt } from './fields.ts';

export const VERTICALS = ['AUTO', 'BEAUTY', 'APPAREL', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GROCERY', 'GOVT',
  'HOTEL', 'HEALTH', 'NONPROFIT', 'PROF_SERVICES', 'RETAIL', 'TRAVEL', 'RESTAURANT', 'NOT_A_BIZ', 'OTHER', 'UNDEFINED'] as const;

export interface ProfilePatch {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  websites?: string[];
  vertical?: string;
  profile_picture_handle?: string;
}

/** POST /{phone_number_id}/whatsapp_business_profile body, with the documented limits. */
export function parseProfilePatch(raw: unknown): ProfilePatch {
  if (!isObject(raw)) throw badParam('The request body must be a JSON object.');
  const body: Json = raw;
  onlyKeys(body, ['messaging_product', 'about', 'address', 'description', 'email', 'websites', 'vertical', 'profile_picture_handle'], '');
  const mp = stringAt(body, 'messaging_product', '', true);
  if (mp !== 'whatsapp') throw badParam(`Param messaging_product must be one of {WHATSAPP} - got "${mp}".`);
  const out: ProfilePatch = {};
  const about = stringAt(body, 'about', '', false, { min: 1, max: 139 });
  if (about !== undefined) out.about = about;
  const address = stringAt(body, 'address', '', false, { max: 256, allowEmpty: true });
  if (address !== undefined) out.address = address;
  const description = stringAt(body, 'description', '', false, { max: 512, allowEmpty: true });
  if (description !== undefined) out.description = description;
  const email = stringAt(body, 'email', '', false, { max: 128, allowEmpty: true });
  if (email !== undefined) {
    if (email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw badParam('Param email must be a valid email address.');
    out.email = email;
  }
  if (body.websites !== undefined) {
    if (!Array.isArray(body.websites)) throw badParam('Param websites must be an array.');
    if (body.websites.length > 2) throw badParam('Param websites must contain at most 2 URLs.');
    out.websites = body.websites.map((w, i) => {
      if (typeof w !== 'string' || w.length > 256) throw badParam(`Param websites[${i}] must be a URL of at most 256 characters.`);
      return httpUrl(w, `websites[${i}]`);
    });
  }
  const vertical = stringAt(body, 'vertical', '', false);
  if (vertical !== undefined) out.vertical = oneOf(vertical, VERTICALS, 'vertical');
  const handle = stringAt(body, 'profile_picture_handle', '', false);
  if (handle !== undefined) out.profile_picture_handle = handle;
  if (Object.keys(out).length === 0) throw missing('about');
  return out;
}
