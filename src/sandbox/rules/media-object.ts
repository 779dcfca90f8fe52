import { badParam } from '../errors.ts';
import { type Json, child, httpUrl, stringAt } from './fields.ts';

/** A media reference: exactly one of an uploaded `id` or a public `link`. */
export function mediaObject(obj: Json, path: string): { id?: string; link?: string } {
  const id = stringAt(obj, 'id', path, false);
  const link = stringAt(obj, 'link', path, false);
  if (id && link) throw badParam(`Param ${path} must contain either id or link, not both.`);
  if (!id && !link) throw badParam(`Param ${path} requires one of id or link.`);
  if (link) return { link: httpUrl(link, child(path, 'link')) };
  return { id: id as string };
}
