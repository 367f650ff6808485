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

/**
 * Serialized JSON answers by their ETag, least recently used first out, at
 * most `maxBytes` in all. An ETag names one answer (that is what lets a
 * client's copy answer 304), so a second request for the same tag is served
 * from here without reading or serializing it again. Only answers that
 * carry a tag are kept; a tag that does not fit is not kept.
 */
export class AnswerCache {
  readonly #maxBytes: number;
  readonly #bodies = new Map<string, Buffer>();
  #bytes = 0;

  constructor(options: { maxBytes: number }) {
    this.#maxBytes = options.maxBytes;
  }

  get(tag: string): Buffer | undefined {
    const body = this.#bodies.get(tag);
    if (body) {
      // Most recently used last.
      this.#bodies.delete(tag);
      this.#bodies.set(tag, body);
    }
    return body;
  }

  set(tag: string, body: Buffer): void {
    if (body.length > this.#maxBytes / 8) return;
    const old = this.#bodies.get(tag);
    if (old) {
      this.#bodies.delete(tag);
      this.#bytes -= old.length;
    }
    this.#bodies.set(tag, body);
    this.#bytes += body.length;
    for (const [oldest, b] of this.#bodies) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#bodies.delete(oldest);
      this.#bytes -= b.length;
    }
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }
}

/**
 * Answers a read that may carry an ETag: 304 when the client's copy holds
 * it, else the answer kept for the tag, else `produce()` serialized (and
 * kept when there is a tag). Call only after authorizing.
 */
export async function answerJson(
  req: Request,
  res: Response,
  etag: string | undefined,
  answers: AnswerCache | undefined,
  produce: () => Promise<unknown>,
): Promise<void> {
  if (notModified(req, res, etag)) return;
  let body = etag ? answers?.get(etag) : undefined;
  if (!body) {
    body = Buffer.from(JSON.stringify(await produce()), 'utf8');
    if (etag) answers?.set(etag, body);
  }
  res.type('application/json').send(body);
}
