import type { Request, Response } from 'express';

/** Longest If-None-Match header evaluated; a longer one never matches. */
const MAX_IF_NONE_MATCH = 4096;

/**
 * Whether an `If-None-Match` header holds the entity tag (RFC 9110 §13.1.2:
 * `*`, or a list of tags compared weakly, so `W/"x"` matches `"x"`).
 *
 * Evaluated here rather than with Express's `req.fresh`, which answers
 * "not fresh" whenever the request carries `Cache-Control: no-cache`. The
 * fetch standard adds that header to every request that sets
 * `If-None-Match` itself (browsers' fetch, Node's fetch and so the
 * `-common` client), so a client revalidating on purpose never got a 304.
 * An origin server answers a conditional request on its condition alone.
 */
export function ifNoneMatchHolds(
  header: string | undefined,
  etag: string,
): boolean {
  if (!header || header.length > MAX_IF_NONE_MATCH) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some(tag => opaque(tag) === wanted);
}

/**
 * Sets the ETag of a read (when there is one) and answers 304 when the
 * request's `If-None-Match` holds it. Answers are per user (`private`) and
 * revalidated on every use (`no-cache`). Call only after authorizing: a 304
 * reveals that the caller's copy is current.
 */
export function notModified(
  req: Request,
  res: Response,
  etag: string | undefined,
): boolean {
  if (!etag) return false;
  res.set('ETag', etag);
  res.set('Cache-Control', 'private, no-cache');
  const conditional = req.method === 'GET' || req.method === 'HEAD';
  if (conditional && ifNoneMatchHolds(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return true;
  }
  return false;
}
