import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ComplianceWaiver,
  EntityWaiversResponse,
  WaiverRequest,
  WaiverStatus,
} from 'backstage-plugin-compliance-common';
import type {
  EntityStore,
  EvaluationStore,
  WaiverStore,
} from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { Waiver } from '../lib/evaluate';
import {
  checkWaiverExpiry,
  configWaiverViews,
  evidenceHashOf,
  waiverTransition,
  WaiverDurationPolicy,
} from '../lib/waivers';
import type { EvaluationRunner } from './EvaluationRunner';
import { readableEntity } from './readableEntity';
import type { EntityName } from './ReportService';

/** The ref of whoever acts: a user entity ref or a service subject. */
export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
  if (p.type === 'service' && p.subject) return `service:${p.subject}`;
  return 'unknown';
}

/** Told of a new waiver request; never throws. */
export interface WaiverNotifier {
  waiverRequested(waiver: ComplianceWaiver): Promise<void>;
}

/**
 * The waiver workflow: request, approve or reject, revoke; expiry and
 * review on evidence change happen in the evaluation. Authorization of each
 * step is the router's; this service checks entity visibility, the control,
 * the duration policy and the workflow state.
 */
export class WaiverService {
  readonly #catalog: CatalogService;
  readonly #catalogue: ControlCatalogue;
  readonly #store: WaiverStore;
  readonly #entities: EntityStore;
  readonly #evaluations: EvaluationStore;
  readonly #evaluation: EvaluationRunner;
  readonly #configWaivers: Waiver[];
  readonly #policy: WaiverDurationPolicy;
  readonly #logger: LoggerService;
  readonly #clock: () => Date;
  readonly #notifier?: WaiverNotifier;

  constructor(options: {
    catalog: CatalogService;
    catalogue: ControlCatalogue;
    waiverRecords: WaiverStore;
    entities: EntityStore;
    evaluations: EvaluationStore;
    evaluation: EvaluationRunner;
    configWaivers: Waiver[];
    policy: WaiverDurationPolicy;
    logger: LoggerService;
    clock?: () => Date;
    /** Told of each new request (notifies the approvers). */
    notifier?: WaiverNotifier;
  }) {
    this.#notifier = options.notifier;
    this.#catalog = options.catalog;
    this.#catalogue = options.catalogue;
    this.#store = options.waiverRecords;
    this.#entities = options.entities;
    this.#evaluations = options.evaluations;
    this.#evaluation = options.evaluation;
    this.#configWaivers = options.configWaivers;
    this.#policy = options.policy;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The entity's canonical ref, if it exists and the caller may read it. */
  async readableRef(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<string> {
    return (await readableEntity(this.#catalog, name, credentials)).ref;
  }

  /** Stored and config waivers of an entity, with the waiver ledger. */
  async list(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<EntityWaiversResponse> {
    const ref = await this.readableRef(name, credentials);
    const { items, events } = await this.#store.listForEntity(ref);
    return {
      entityRef: ref,
      items: [
        ...configWaiverViews(this.#configWaivers, ref, this.#clock()),
        ...items,
      ],
      events,
    };
  }

  /** Waivers across the entities the caller may read (the approvers' queue). */
  async listAll(
    options: { status?: WaiverStatus; limit: number },
    readableRefs: string[] | undefined,
  ): Promise<ComplianceWaiver[]> {
    return this.#store.list({
      ...options,
      ...(readableRefs ? { entityRefs: readableRefs } : {}),
    });
  }

  async #evidenceHash(ref: string, controlId: string) {
    const results = (await this.#evaluations.getResults([ref])).get(ref) ?? [];
    const result = results.find(r => r.controlId === controlId);
    return result ? evidenceHashOf(result.evidence) : undefined;
  }

  /** Records a waiver request against the control's current evidence. */
  async request(
    name: EntityName,
    body: WaiverRequest,
    credentials: BackstageCredentials,
  ): Promise<ComplianceWaiver> {
    const ref = await this.readableRef(name, credentials);
    const control = this.#catalogue.get(body.controlId);
    if (!control) {
      throw new InputError(
        `Invalid request body: controlId: no enabled control "${body.controlId}"`,
      );
    }
    const now = this.#clock();
    const expiresAt = new Date(body.expiresAt);
    const problem = checkWaiverExpiry({
      expiresAt,
      severity: control.severity,
      policy: this.#policy,
      now,
    });
    if (problem) {
      throw new InputError(`Invalid request body: expiresAt: ${problem}`);
    }
    const open = (await this.#store.listForEntity(ref)).items.find(
      w =>
        w.controlId === control.id &&
        (w.status === 'requested' ||
          (w.status === 'approved' && !w.reviewRequired)),
    );
    if (open) {
      throw new ConflictError(
        `A ${open.status} waiver (${open.id}) already exists for ${control.id} on ${ref}`,
      );
    }
    const waiver = await this.#store.createRequest({
      entityRef: ref,
      controlId: control.id,
      reason: body.reason,
      ...(body.link ? { link: body.link } : {}),
      expiresAt,
      requestedBy: actorOf(credentials),
      evidenceHash: await this.#evidenceHash(ref, control.id),
      now,
    });
    this.#logger.info('Waiver requested', {
      waiverId: waiver.id,
      entityRef: ref,
      controlId: control.id,
    });
    await this.#notifier?.waiverRequested(waiver);
    return waiver;
  }

  async #existing(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<ComplianceWaiver> {
    const waiver = await this.#store.get(id);
    if (!waiver) throw new NotFoundError(`No waiver ${id}`);
    // The caller must be able to read the entity; otherwise it does not exist for them.
    try {
      await this.readableRef(waiver.entityRef, credentials);
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') {
        throw new NotFoundError(`No waiver ${id}`);
      }
      throw e;
    }
    return waiver;
  }

  /**
   * Approves, rejects or revokes a waiver. Revocation by the requester
   * (withdrawing their own request) needs no approver permission.
   */
  async decide(
    step: 'approve' | 'reject' | 'revoke',
    id: string,
    options: {
      comment?: string;
      credentials: BackstageCredentials;
      mayApprove: boolean;
    },
  ): Promise<ComplianceWaiver> {
    const { comment, credentials } = options;
    const waiver = await this.#existing(id, credentials);
    const actor = actorOf(credentials);
    if (
      !options.mayApprove &&
      !(step === 'revoke' && waiver.requestedBy === actor)
    ) {
      throw new NotAllowedError('Missing permission compliance.waiver.approve');
    }
    const next = waiverTransition(waiver, step);
    if (!next.ok) throw new ConflictError(next.reason);
    const now = this.#clock();
    if (
      step === 'approve' &&
      waiver.expiresAt &&
      new Date(waiver.expiresAt) <= now
    ) {
      throw new ConflictError('The waiver has expired; request a new one');
    }
    const updated = await this.#store.transition({
      id,
      from: [waiver.status],
      to: next.to,
      action: next.action,
      actor,
      ...(comment ? { comment } : {}),
      ...(step === 'approve'
        ? {
            evidenceHash: await this.#evidenceHash(
              waiver.entityRef,
              waiver.controlId,
            ),
          }
        : {}),
      now,
    });
    if (!updated) {
      throw new ConflictError(
        'The waiver changed meanwhile; reload and try again',
      );
    }
    this.#logger.info(`Waiver ${next.action}`, {
      waiverId: id,
      entityRef: waiver.entityRef,
      controlId: waiver.controlId,
    });
    // Applies (or lifts) it now rather than at the next cycle.
    await this.#entities.markDirty([waiver.entityRef]);
    try {
      await this.#evaluation.evaluateEntities([waiver.entityRef]);
    } catch (e) {
      this.#logger.warn(
        'Re-evaluation after a waiver decision failed; the next cycle retries',
        { entityRef: waiver.entityRef, error: (e as Error).message },
      );
    }
    return updated;
  }
}
