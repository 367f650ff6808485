import { createHash } from 'node:crypto';
import type {
  ComplianceWaiver,
  ExportManifest,
  ExportQuery,
} from 'backstage-plugin-compliance-common';
import { InputError } from '@backstage/errors';
import type {
  EvaluationStore,
  EvidenceStore,
  WaiverStore,
} from '../database/ComplianceStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { Waiver } from '../lib/evaluate';
import { statusesAsOf } from '../lib/evidence';
import {
  EXPORT_CSV_COLUMNS,
  csvLine,
  exportRequirements,
  exportRowsForEntity,
  ExportRequirement,
} from '../lib/exportRows';
import { configWaiverViews } from '../lib/waivers';

/** Where an export is written; `write` resolves when the chunk may be followed. */
export interface ExportSink {
  write(chunk: string): Promise<void>;
}

/** Entities read per page while streaming. */
const PAGE = 250;

/** A sink that only hashes and counts (for the manifest and the benchmark). */
export class HashingSink implements ExportSink {
  readonly #hash = createHash('sha256');
  bytes = 0;
  async write(chunk: string) {
    const buf = Buffer.from(chunk, 'utf8');
    this.bytes += buf.length;
    this.#hash.update(buf);
  }
  digest() {
    return this.#hash.digest('hex');
  }
}

/** An export resolved against the catalogue: framework, times and requirements. */
interface ResolvedExport {
  framework: string;
  format: 'json' | 'csv';
  asOf: Date;
  from?: Date;
  requirements: ExportRequirement[];
}

/**
 * Auditor exports: for a framework (or all) as of a date, every requirement
 * → control → entity with its status then, the evidence values, hashes and
 * sources, and the waiver in force. Streamed from the database a page of
 * entities at a time, so memory stays flat however many entities there are;
 * deterministic for a given `asOf`, so the manifest can be recomputed.
 */
export class ExportService {
  readonly #catalogue: ControlCatalogue;
  readonly #evaluations: EvaluationStore;
  readonly #evidence: EvidenceStore;
  readonly #waivers: WaiverStore;
  readonly #configWaivers: Waiver[];

  constructor(options: {
    catalogue: ControlCatalogue;
    evaluations: EvaluationStore;
    evidence: EvidenceStore;
    waiverRecords: WaiverStore;
    configWaivers: Waiver[];
  }) {
    this.#catalogue = options.catalogue;
    this.#evaluations = options.evaluations;
    this.#evidence = options.evidence;
    this.#waivers = options.waiverRecords;
    this.#configWaivers = options.configWaivers;
  }

  /** Checks the query against the catalogue; `now` is the default as-of time. */
  resolve(query: ExportQuery, now: Date): ResolvedExport {
    const known = new Set(
      this.#catalogue.controls.flatMap(c => Object.keys(c.frameworks ?? {})),
    );
    if (query.framework !== 'all' && !known.has(query.framework)) {
      throw new InputError(
        `Invalid export query: framework: no control maps to "${
          query.framework
        }"; known: all, ${[...known].sort().join(', ')}`,
      );
    }
    const asOf = query.asOf ? new Date(query.asOf) : now;
    if (asOf.getTime() > now.getTime()) {
      throw new InputError(
        'Invalid export query: asOf: must not be in the future',
      );
    }
    return {
      framework: query.framework,
      format: query.format,
      asOf,
      ...(query.from ? { from: new Date(query.from) } : {}),
      requirements: exportRequirements(
        this.#catalogue.controls,
        query.framework,
      ),
    };
  }

  /** The file name of an export. */
  fileName(e: ResolvedExport): string {
    const day = e.asOf.toISOString().replace(/[:]/g, '-').slice(0, 19);
    return `compliance-${e.framework}-${day}.${e.format}`;
  }

  /**
   * Writes the export to the sink; `readable` limits it to those entity refs
   * (undefined: every entity). Returns the number of rows.
   */
  async write(
    e: ResolvedExport,
    readable: string[] | undefined,
    sink: ExportSink,
  ): Promise<number> {
    const allowed = readable ? new Set(readable) : undefined;
    const controls = new Map(this.#catalogue.controls.map(c => [c.id, c]));
    let rows = 0;
    let first = true;
    if (e.format === 'csv') {
      await sink.write(`${EXPORT_CSV_COLUMNS.join(',')}\n`);
    } else {
      await sink.write(
        `{"framework":${JSON.stringify(e.framework)},"asOf":${JSON.stringify(
          e.asOf.toISOString(),
        )}${
          e.from ? `,"from":${JSON.stringify(e.from.toISOString())}` : ''
        },"requirements":${JSON.stringify(e.requirements)},"rows":[`,
      );
    }
    let after: string | undefined;
    for (;;) {
      const page = await this.#evidence.pageEntities(PAGE, after);
      if (page.length === 0) break;
      after = page[page.length - 1].entityRef;
      const entities = allowed
        ? page.filter(p => allowed.has(p.entityRef))
        : page;
      if (entities.length === 0) continue;
      const refs = entities.map(p => p.entityRef);
      const [current, changes, facts, waivers] = await Promise.all([
        this.#evaluations.getResults(refs),
        this.#evidence.getChangesAfter(refs, e.from ?? e.asOf),
        this.#evidence.getFactsAsOf(refs, e.asOf),
        this.#waivers.getAsOf(refs, e.asOf),
      ]);
      let chunk = '';
      for (const entity of entities) {
        const ref = entity.entityRef;
        const entityChanges = changes.get(ref) ?? [];
        const inForce: ComplianceWaiver[] = [
          ...configWaiverViews(this.#configWaivers, ref, e.asOf).filter(
            w => w.status === 'approved',
          ),
          ...(waivers.get(ref) ?? []),
        ];
        const out = exportRowsForEntity({
          entity,
          requirements: e.requirements,
          controls,
          statuses: statusesAsOf(current.get(ref) ?? [], entityChanges, e.asOf),
          current: current.get(ref) ?? [],
          facts: facts.get(ref) ?? [],
          waivers: inForce,
          changes: entityChanges.filter(
            c => new Date(c.changedAt).getTime() <= e.asOf.getTime(),
          ),
          ...(e.from ? { from: e.from } : {}),
        });
        for (const row of out) {
          if (e.format === 'csv') {
            chunk += csvLine(row);
          } else {
            chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
            first = false;
          }
        }
        rows += out.length;
      }
      if (chunk) await sink.write(chunk);
    }
    if (e.format === 'json') await sink.write('\n]}\n');
    return rows;
  }

  /** The manifest: each format's file name, sha256, size and row count. */
  async manifest(
    query: ExportQuery,
    readable: string[] | undefined,
    now: Date,
  ): Promise<ExportManifest> {
    const files: ExportManifest['files'] = [];
    for (const format of ['json', 'csv'] as const) {
      const e = this.resolve({ ...query, format }, now);
      const sink = new HashingSink();
      const rows = await this.write(e, readable, sink);
      files.push({
        name: this.fileName(e),
        sha256: sink.digest(),
        bytes: sink.bytes,
        rows,
      });
    }
    const asOf = this.resolve(query, now).asOf.toISOString();
    return {
      framework: query.framework,
      asOf,
      ...(query.from ? { from: query.from } : {}),
      files,
    };
  }
}
