import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { EvaluationStore } from '../database/ComplianceStore';
import { canonicalEntityRef } from '../lib/refs';
import { normalizeRef } from '../lib/snapshot';
import { TtlCache } from './TtlCache';

/** The fields of the smallest catalog answer that proves an entity readable. */
const REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
/** Refs asked of the catalog in one request. */
const BATCH = 200;
/** How long a caller's cache misses wait to share one catalog request. */
const BATCH_WINDOW_MS = 2;

/** How the catalog read permission decides for a caller. */
export type ReadDecision = 'allow' | 'deny' | 'conditional';

/** Who is asking, as a cache key. */
export function callerKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return `${p.type}:${p.userEntityRef ?? p.subject ?? 'unknown'}`;
}

/**
 * Whether a caller may read catalog entities, at the least cost: the catalog
 * read permission decides unconditionally (allow or deny) without calling
 * the catalog; a conditional decision asks the catalog for refs only,
 * batched, and the answers are cached per caller for `ttlMs`. A caller
 * never gets an entity the catalog hides from them.
 */
export class ReadAccess {
  readonly #catalog: CatalogService;
  readonly #permissions: PermissionsService;
  readonly #decisions: TtlCache<ReadDecision>;
  readonly #readable: TtlCache<boolean>;
  /** Refs waiting for the next catalog request, per caller. */
  readonly #pending = new Map<
    string,
    {
      credentials: BackstageCredentials;
      refs: Map<string, Array<(readable: boolean | Error) => void>>;
    }
  >();

  constructor(options: {
    catalog: CatalogService;
    permissions: PermissionsService;
    /** How long a caller's decisions are reused. Default 10 seconds. */
    ttlMs?: number;
    clock?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#permissions = options.permissions;
    const ttlMs = options.ttlMs ?? 10_000;
    this.#decisions = new TtlCache({
      ttlMs,
      maxEntries: 5_000,
      clock: options.clock,
    });
    this.#readable = new TtlCache({
      ttlMs,
      maxEntries: 50_000,
      clock: options.clock,
    });
  }

  /** How the catalog read permission decides for this caller. */
  decision(credentials: BackstageCredentials): Promise<ReadDecision> {
    return this.#decisions.get(callerKey(credentials), async () => {
      const [d] = await this.#permissions.authorizeConditional(
        [{ permission: catalogEntityReadPermission }],
        { credentials },
      );
      if (d.result === AuthorizeResult.ALLOW) return 'allow';
      if (d.result === AuthorizeResult.DENY) return 'deny';
      return 'conditional';
    });
  }

  /** Whether the caller may read the entity (a canonical ref) in the catalog. */
  async canRead(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const decision = await this.decision(credentials);
    if (decision !== 'conditional') return decision === 'allow';
    const key = callerKey(credentials);
    return this.#readable.get(`${key}\u0000${ref}`, () =>
      this.#enqueue(key, credentials, ref),
    );
  }

  /** Queues a ref for the caller's next batched catalog request. */
  #enqueue(
    key: string,
    credentials: BackstageCredentials,
    ref: string,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let batch = this.#pending.get(key);
      if (!batch) {
        batch = { credentials, refs: new Map() };
        this.#pending.set(key, batch);
        // Everything this caller asks within the window goes in one request.
        setTimeout(() => this.#flush(key), BATCH_WINDOW_MS);
      }
      const waiting = batch.refs.get(ref) ?? [];
      waiting.push(r => (r instanceof Error ? reject(r) : resolve(r)));
      batch.refs.set(ref, waiting);
    });
  }

  async #flush(key: string) {
    const batch = this.#pending.get(key);
    this.#pending.delete(key);
    if (!batch) return;
    const refs = [...batch.refs.keys()];
    for (let i = 0; i < refs.length; i += BATCH) {
      const part = refs.slice(i, i + BATCH);
      try {
        const { items } = await this.#catalog.getEntitiesByRefs(
          { entityRefs: part, fields: REF_FIELDS },
          { credentials: batch.credentials },
        );
        const found = new Set(
          items.flatMap(e => (e ? [normalizeRef(stringifyEntityRef(e))] : [])),
        );
        for (const ref of part) {
          batch.refs.get(ref)!.forEach(done => done(found.has(ref)));
        }
      } catch (error) {
        for (const ref of part) {
          batch.refs.get(ref)!.forEach(done => done(error as Error));
        }
      }
    }
  }
}

/**
 * The canonical ref of the entity a caller names; NotFoundError for a ref
 * with control characters (no catalog entity has one, and PostgreSQL
 * refuses NUL in text, so it is never sent to the database).
 */
export function requestedRef(
  name: string | { kind: string; namespace?: string; name: string },
): string {
  const ref = canonicalEntityRef(name, { defaultKind: 'component' });
  if ([...ref].some(c => c.charCodeAt(0) < 32 || c === '\u007f')) {
    throw new NotFoundError(
      'Entity was not found in the catalog: its reference holds control characters',
    );
  }
  return ref;
}

/**
 * The canonical ref of an entity the caller may read and that has been
 * evaluated: decided by the permission policy alone when it is
 * unconditional (the stored evaluation proves the entity exists), otherwise
 * by the batched, cached refs-only catalog request. NotFoundError otherwise.
 */
export async function readableRef(
  name: string | { kind: string; namespace?: string; name: string },
  credentials: BackstageCredentials,
  access: ReadAccess,
  evaluations: Pick<EvaluationStore, 'getInputsHashes'>,
): Promise<string> {
  const ref = requestedRef(name);
  const decision = await access.decision(credentials);
  const readable =
    decision === 'allow'
      ? (await evaluations.getInputsHashes([ref])).has(ref)
      : decision === 'conditional' && (await access.canRead(ref, credentials));
  if (!readable) {
    throw new NotFoundError(`Entity ${ref} was not found in the catalog`);
  }
  return ref;
}
