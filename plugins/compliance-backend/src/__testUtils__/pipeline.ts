import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { createCatalogCollector } from '../collectors/catalogCollector';
import { catalogControls, defaultLevels } from '../controls/catalogControls';
import { ControlCatalogue } from '../controls/ControlCatalogue';
import type { ComplianceStores } from '../database/ComplianceStore';
import { DatabaseComplianceStore } from '../database/DatabaseComplianceStore';
import { CollectionRunner } from '../service/CollectionRunner';
import { EvaluationRunner } from '../service/EvaluationRunner';
import { shardsOf } from '../service/taskIds';
import {
  CollectCall,
  phaseCollectors,
  phaseControls,
} from './syntheticCatalog';

/**
 * The engine as `plugin.ts` wires it (catalog collector, the phase
 * collectors, the default catalogue), without a backend: for the crash
 * worker, which runs in a plain Node process, and for the test that
 * resumes its work. Uses nothing from jest.
 */

const silentLogger: LoggerService = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** Shards of the `sharded` collector. */
export const SHARDS = 3;

export interface Pipeline {
  stores: ComplianceStores;
  collection: CollectionRunner;
  evaluation: EvaluationRunner;
  catalogue: ControlCatalogue;
  /** Every collector in order, every shard, then one evaluation cycle. */
  runCycle(): Promise<void>;
}

export async function createPipeline(options: {
  knex: Knex;
  entities: Entity[];
  phase?: () => number;
  onCall?: (call: CollectCall) => void;
  /** Wraps the stores, e.g. to report progress. */
  wrapStores?: (stores: ComplianceStores) => ComplianceStores;
}): Promise<Pipeline> {
  const knex = options.knex;
  const raw = await DatabaseComplianceStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    },
  });
  const stores = options.wrapStores ? options.wrapStores(raw) : raw;
  const catalog = new InMemoryCatalogClient({
    entities: options.entities,
  }) as unknown as CatalogService;
  const auth = {
    getOwnServiceCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:compliance' },
    }),
  } as any;
  const catalogue = ControlCatalogue.create({
    builtin: catalogControls({
      lifecycles: ['experimental', 'production', 'deprecated'],
      minDescriptionLength: 20,
    }),
    modules: phaseControls,
    config: [],
    levels: defaultLevels,
    frameworks: [
      { id: 'soc2', title: 'SOC 2' },
      { id: 'iso27001', title: 'ISO/IEC 27001:2022' },
      { id: 'openssf', title: 'OpenSSF Scorecard' },
    ],
    kinds: ['component', 'api', 'resource', 'system'],
  });
  const collectors = [
    createCatalogCollector({
      catalog,
      auth,
      onCallAnnotations: ['pagerduty.com/service-id'],
      sourceHosts: ['github.com'],
    }),
    ...phaseCollectors({
      phase: options.phase ?? (() => 1),
      onCall: options.onCall,
    }),
  ];
  const collection = new CollectionRunner({
    ...stores,
    catalog,
    auth,
    logger: silentLogger,
    collectors,
    settings: { sharded: { shards: SHARDS, disabled: false } },
    kinds: catalogue.kinds,
  });
  const evaluation = new EvaluationRunner({
    ...stores,
    catalogue,
    waivers: [
      {
        entityRef: 'component:default/svc-00003',
        controlId: 'CAT-05',
        reason: 'docs are being written',
      },
    ],
    logger: silentLogger,
  });
  return {
    stores,
    collection,
    evaluation,
    catalogue,
    async runCycle() {
      await collection.collect('catalog');
      await collection.collect('scanner');
      for (const shard of shardsOf(SHARDS)) {
        await collection.collect('sharded', { shard });
      }
      await evaluation.evaluateDirty();
    },
  };
}
