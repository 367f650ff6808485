import type { Request, Response } from 'express';

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
  if (req.fresh) {
    res.status(304).end();
    return true;
  }
  return false;
}
