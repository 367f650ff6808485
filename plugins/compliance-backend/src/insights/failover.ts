import {
  InsightProviderError,
  type InsightProviderErrorKind,
} from 'backstage-plugin-compliance-node';

/** What the queue does after a provider failed. */
export type FailoverAction =
  /** Stop this attempt; the job is retried later (rate limited). */
  | 'retry_later'
  /** Try the next provider in config order. */
  | 'next_provider'
  /** Ask the same provider again with a smaller input. */
  | 'shrink'
  /** Mark the provider unhealthy for a while, then try the next one. */
  | 'mark_unhealthy';

/**
 * The failover policy by error class. `shrinkLevel` is the level the failed
 * request was packed at; `maxShrink` the last level there is.
 */
export function failoverAction(
  kind: InsightProviderErrorKind,
  shrinkLevel: number,
  maxShrink: number,
): FailoverAction {
  switch (kind) {
    case 'rate_limited':
      return 'retry_later';
    case 'context_too_long':
      return shrinkLevel < maxShrink ? 'shrink' : 'next_provider';
    case 'auth':
    case 'quota':
      return 'mark_unhealthy';
    case 'unavailable':
    case 'invalid_output':
    default:
      return 'next_provider';
  }
}

/**
 * Delay before the next attempt of a job: the provider's `retry-after`
 * when it gave one (capped), otherwise exponential backoff from 30 s,
 * doubling per attempt up to 1 h, with ±20 % jitter from `random`.
 */
export function backoffMs(
  attempts: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const cap = 60 * 60_000;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return Math.min(retryAfterMs, cap);
  }
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), cap);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Reads a `retry-after` (seconds or HTTP date) or `retry-after-ms` header. */
export function retryAfterOf(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface HttpishError {
  name?: string;
  message?: string;
  status?: number;
  headers?: { get(name: string): string | null };
  code?: string | null;
  type?: string | null;
  error?: unknown;
}

function bodyText(error: HttpishError): string {
  try {
    return JSON.stringify(error.error ?? '').toLocaleLowerCase('en-US');
  } catch {
    return '';
  }
}

/** Strips anything that looks like a credential from a message. */
export function redact(message: string): string {
  return message
    .replace(
      /\b(sk|key|token|bearer)[-_ ]?[A-Za-z0-9_\-.]{8,}/gi,
      '$1-[redacted]',
    )
    .slice(0, 500);
}

/**
 * Classifies an error of the OpenAI or Anthropic SDK (or a fetch failure)
 * into the provider error classes. Works on the SDKs' shapes (`status`,
 * `headers`, `code`, `type`, JSON body) without importing them.
 */
export function classifyProviderError(
  providerId: string,
  error: unknown,
): InsightProviderError {
  if (error instanceof InsightProviderError) return error;
  const e = (error ?? {}) as HttpishError;
  const name = e.name ?? '';
  const message = redact(e.message ?? String(error));
  const body = bodyText(e);
  const make = (
    kind: InsightProviderErrorKind,
    extra: { retryAfterMs?: number } = {},
  ) =>
    new InsightProviderError({
      kind,
      message: `${providerId}: ${kind}${
        e.status ? ` (HTTP ${e.status})` : ''
      }: ${message}`,
      ...(e.status ? { status: e.status } : {}),
      ...extra,
    });

  if (/timeout/i.test(name) || name === 'AbortError')
    return make('unavailable');
  if (e.status === undefined) {
    // Connection refused, DNS, reset: the provider is not reachable.
    return make('unavailable');
  }
  const status = e.status;
  const contextTooLong =
    e.code === 'context_length_exceeded' ||
    /context[_ ]length|maximum context|too many tokens|prompt is too long|input is too long/.test(
      body || message.toLocaleLowerCase('en-US'),
    );
  if (status === 413 || (status === 400 && contextTooLong)) {
    return make('context_too_long');
  }
  if (/credit balance|billing/.test(body)) return make('quota');
  if (status === 429) {
    if (
      e.code === 'insufficient_quota' ||
      body.includes('insufficient_quota') ||
      body.includes('billing')
    ) {
      return make('quota');
    }
    return make('rate_limited', {
      retryAfterMs: retryAfterOf(e.headers),
    });
  }
  if (status === 402) return make('quota');
  if (status === 401 || status === 403 || status === 404) return make('auth');
  if (status === 408 || status === 409 || status >= 500) {
    return make('unavailable');
  }
  // Any other 4xx: the provider rejected our request as built.
  return make('invalid_output');
}
