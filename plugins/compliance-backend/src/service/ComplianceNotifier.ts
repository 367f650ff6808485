import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { ComplianceWaiver } from 'backstage-plugin-compliance-common';
import type { FactStore } from '../database/ComplianceStore';
import type { NotificationStore } from '../database/DatabaseNotificationStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { NotificationsConfig } from '../governanceConfig';
import {
  ControlInfo,
  dayOf,
  LevelChange,
  NotificationPlan,
  planExpiringWaivers,
  planFailingCollectors,
  planRegressions,
  planWaiverRequested,
} from '../lib/notifications';
import { ENGINE_STATE_KEY } from './taskIds';

const LEDGER_PAGE = 1000;
const LEVEL_PAGE = 1000;
/**
 * Ledger rows re-read below the watermark each run: a row of a concurrent
 * evaluation can commit with a lower id after a higher one was read. The
 * claims make the re-read harmless.
 */
const LEDGER_OVERLAP = 200;
const WATERMARK_KEY = 'notifiedLedgerId';

/** Figures of one notification run. */
export interface NotificationStats {
  sent: number;
  alreadySent: number;
  failed: number;
}

/**
 * Sends what `lib/notifications` plans through the notifications service,
 * each plan once: its key is claimed in the database before sending and
 * released if sending fails, so a later run retries it.
 */
export class ComplianceNotifier {
  readonly #store: NotificationStore;
  readonly #facts: FactStore;
  readonly #catalogue: ControlCatalogue;
  readonly #notifications: NotificationService;
  readonly #settings: NotificationsConfig;
  readonly #logger: LoggerService;
  readonly #clock: () => Date;

  constructor(options: {
    notifications: NotificationStore;
    facts: FactStore;
    catalogue: ControlCatalogue;
    notificationService: NotificationService;
    settings: NotificationsConfig;
    logger: LoggerService;
    clock?: () => Date;
  }) {
    this.#store = options.notifications;
    this.#facts = options.facts;
    this.#catalogue = options.catalogue;
    this.#notifications = options.notificationService;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
  }

  #control = (id: string): ControlInfo | undefined => {
    const c = this.#catalogue.get(id);
    return c ? { title: c.title, severity: c.severity } : undefined;
  };

  /** Claims and sends each plan; one failure never stops the others. */
  async #deliver(
    plans: NotificationPlan[],
    stats: NotificationStats,
  ): Promise<void> {
    for (const plan of plans) {
      const now = this.#clock();
      if (!(await this.#store.claim(plan.key, plan.recipients, now))) {
        stats.alreadySent += 1;
        continue;
      }
      try {
        await this.#notifications.send({
          recipients: { type: 'entity', entityRef: plan.recipients },
          payload: plan.message,
        });
        stats.sent += 1;
      } catch (error) {
        assertError(error);
        stats.failed += 1;
        await this.#store.release(plan.key);
        this.#logger.warn('Could not send a compliance notification', {
          kind: plan.key.kind,
          subject: plan.key.subject,
          reason: error.message,
        });
      }
    }
  }

  /** The whole periodic run: regressions, expiring waivers, failing collectors. */
  async run(): Promise<NotificationStats> {
    const stats: NotificationStats = { sent: 0, alreadySent: 0, failed: 0 };
    await this.notifyRegressions(stats);
    await this.notifyExpiringWaivers(stats);
    await this.notifyFailingCollectors(stats);
    const cutoff = new Date(
      this.#clock().getTime() - this.#settings.claimRetentionDays * 86_400_000,
    );
    await this.#store.deleteClaimsBefore(cutoff);
    if (stats.sent || stats.failed) {
      this.#logger.info('Sent compliance notifications', { ...stats });
    }
    return stats;
  }

  /**
   * Controls that newly fail and level drops since the last run, one
   * notification per entity per day. The first run only sets the watermark
   * and records the levels: nothing is announced for the past.
   */
  async notifyRegressions(
    stats: NotificationStats = { sent: 0, alreadySent: 0, failed: 0 },
  ): Promise<NotificationStats> {
    const state = await this.#facts.getState(ENGINE_STATE_KEY, [WATERMARK_KEY]);
    const stored = state.get(WATERMARK_KEY);
    const now = this.#clock();
    if (typeof stored !== 'number') {
      await this.#recordAllLevels(now);
      await this.#setWatermark(await this.#store.maxLedgerId(), now);
      return stats;
    }
    let after = Math.max(0, stored - LEDGER_OVERLAP);
    let watermark = stored;
    for (;;) {
      const changes = await this.#store.ledgerAfter(after, LEDGER_PAGE);
      const levels = await this.#levelChanges();
      if (changes.length === 0 && levels.length === 0) break;
      const failedBefore = stats.failed;
      await this.#sendRegressions(changes, levels, now, stats);
      // A failed send keeps the watermark and the levels: the next run
      // plans them again; the claims skip what was sent.
      if (stats.failed > failedBefore) break;
      await this.#store.recordLevels(levels, now);
      if (changes.length) {
        watermark = Math.max(watermark, changes[changes.length - 1].id);
        after = changes[changes.length - 1].id;
        await this.#setWatermark(watermark, now);
      }
      if (changes.length < LEDGER_PAGE && levels.length < LEVEL_PAGE) break;
    }
    return stats;
  }

  async #sendRegressions(
    changes: Awaited<ReturnType<NotificationStore['ledgerAfter']>>,
    levels: LevelChange[],
    now: Date,
    stats: NotificationStats,
  ) {
    const info = await this.#store.entityInfo([
      ...changes.map(c => c.entityRef),
      ...levels.map(l => l.entityRef),
    ]);
    const { plans, unowned } = planRegressions({
      changes,
      levelChanges: levels,
      today: dayOf(now),
      levels: this.#catalogue.levels.map(l => ({ id: l.id, title: l.title })),
      controls: this.#control,
      entities: ref => info.get(ref),
      minSeverity: this.#settings.minSeverity,
    });
    if (unowned.length) {
      this.#logger.debug('Regressions on entities without an owner', {
        entities: unowned.length,
      });
    }
    await this.#deliver(plans, stats);
  }

  /** Every changed level of the first page; later pages follow next runs. */
  async #levelChanges(): Promise<LevelChange[]> {
    return this.#store.levelChanges(LEVEL_PAGE);
  }

  async #recordAllLevels(now: Date) {
    let after: string | undefined;
    for (;;) {
      const page = await this.#store.levelChanges(LEVEL_PAGE, after);
      if (page.length === 0) return;
      // Recorded as seen: a first run announces nothing.
      await this.#store.recordLevels(page, now);
      after = page[page.length - 1].entityRef;
    }
  }

  async #setWatermark(id: number, now: Date) {
    await this.#facts.setState(
      ENGINE_STATE_KEY,
      [{ key: WATERMARK_KEY, value: id }],
      now,
    );
  }

  /** A new waiver request, to the approvers; never fails the request. */
  async waiverRequested(waiver: ComplianceWaiver): Promise<void> {
    try {
      const info = await this.#store.entityInfo([waiver.entityRef]);
      const plan = planWaiverRequested({
        waiver,
        approvers: this.#settings.waiverApprovers,
        control: this.#control(waiver.controlId),
        entity: info.get(waiver.entityRef),
      });
      if (plan) {
        await this.#deliver([plan], { sent: 0, alreadySent: 0, failed: 0 });
      }
    } catch (error) {
      assertError(error);
      this.#logger.warn('Could not notify the waiver approvers', {
        waiverId: waiver.id,
        reason: error.message,
      });
    }
  }

  async notifyExpiringWaivers(
    stats: NotificationStats = { sent: 0, alreadySent: 0, failed: 0 },
  ): Promise<NotificationStats> {
    const now = this.#clock();
    const until = new Date(
      now.getTime() + this.#settings.waiverExpiryDays * 86_400_000,
    );
    const waivers = await this.#store.expiringWaivers(now, until, 1000);
    if (waivers.length === 0) return stats;
    const info = await this.#store.entityInfo(waivers.map(w => w.entityRef));
    await this.#deliver(
      planExpiringWaivers({
        waivers,
        now,
        days: this.#settings.waiverExpiryDays,
        entities: ref => info.get(ref),
        controls: this.#control,
      }),
      stats,
    );
    return stats;
  }

  async notifyFailingCollectors(
    stats: NotificationStats = { sent: 0, alreadySent: 0, failed: 0 },
  ): Promise<NotificationStats> {
    if (this.#settings.admins.length === 0) return stats;
    const runs = await this.#store.runStreaks(
      this.#settings.collectorFailureThreshold,
    );
    await this.#deliver(
      planFailingCollectors({
        runs,
        threshold: this.#settings.collectorFailureThreshold,
        admins: this.#settings.admins,
        today: dayOf(this.#clock()),
      }),
      stats,
    );
    return stats;
  }
}
