import type {
  ComplianceStatus,
  ControlResult,
  Control,
  ControlApplicability,
  EvidenceFact,
  JsonValue,
} from 'backstage-plugin-compliance-common';
import { EvaluationFact, FactLookup, evaluateCondition } from './rules';
import { evidenceHashOf } from './waivers';
import { toEvidence } from './evidenceRefs';

/** The parts of an entity the engine evaluates against. */
export interface EntitySnapshot {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  type?: string;
  lifecycle?: string;
  owner?: string;
  system?: string;
  tags: string[];
  annotations: Record<string, string>;
}

/** A waiver: a control accepted as not met for an entity, until it expires. */
export interface Waiver {
  entityRef: string;
  controlId: string;
  reason: string;
  expiresAt?: string;
  /** Id of a stored waiver (absent for config waivers). */
  id?: string;
  /** Who approved a stored waiver. */
  approvedBy?: string;
  /**
   * {@link evidenceHashOf} of the evidence the waiver was granted against:
   * when the evidence differs, the waiver does not apply.
   */
  evidenceHash?: string;
}

/** The result of one control before persistence (no entity, no times). */
export type EvaluatedResult = Omit<
  ControlResult,
  'entityRef' | 'evaluatedAt' | 'statusSince'
>;

/** Whether an applicability filter matches the entity. */
export function isApplicable(
  applicability: ControlApplicability | undefined,
  entity: EntitySnapshot,
): boolean {
  if (!applicability) return true;
  const lower = (v?: string) => v?.toLocaleLowerCase('en-US');
  const inList = (list: string[] | undefined, value: string | undefined) =>
    !list || list.length === 0 || list.some(v => lower(v) === lower(value));
  if (!inList(applicability.kinds, entity.kind)) return false;
  if (!inList(applicability.types, entity.type)) return false;
  if (!inList(applicability.lifecycles, entity.lifecycle)) return false;
  if (
    applicability.tags?.length &&
    !applicability.tags.some(t => entity.tags.includes(t))
  ) {
    return false;
  }
  if (applicability.excludeTags?.some(t => entity.tags.includes(t)))
    return false;
  if (applicability.annotations?.some(a => !(a in entity.annotations)))
    return false;
  return true;
}

/** Pseudo-facts describing the entity itself (`entity.kind`, `entity.tags`, ...). */
export function entityFacts(
  entity: EntitySnapshot,
): Map<string, EvaluationFact> {
  const facts = new Map<string, EvaluationFact>();
  const put = (id: string, value: JsonValue) =>
    facts.set(id, { factId: id, known: true, value });
  put('entity.kind', entity.kind.toLocaleLowerCase('en-US'));
  put('entity.namespace', entity.namespace);
  put('entity.name', entity.name);
  put('entity.type', entity.type ?? null);
  put('entity.lifecycle', entity.lifecycle ?? null);
  put('entity.owner', entity.owner ?? null);
  put('entity.system', entity.system ?? null);
  put('entity.tags', entity.tags);
  put('entity.annotations', entity.annotations);
  return facts;
}

function unknownResult(
  control: Control,
  unknowns: EvaluationFact[],
  used: Set<string>,
  lookup: FactLookup,
) {
  const first = unknowns[0];
  const reason = first?.unknownReason ?? 'not_collected';
  const detail = unknowns
    .map(
      u =>
        u.message ??
        `${u.factId} is unknown (${u.unknownReason ?? 'not_collected'})`,
    )
    .filter((m, i, all) => all.indexOf(m) === i)
    .join('; ');
  return {
    controlId: control.id,
    status: 'unknown' as const,
    reason: `Cannot evaluate: ${detail}`,
    unknownReason: reason,
    evidence: evidenceFor(used, lookup),
    controlVersion: control.version,
  };
}

function evidenceFor(used: Set<string>, lookup: FactLookup): EvidenceFact[] {
  return [...used]
    .filter(id => !id.startsWith('entity.'))
    .sort()
    .map(id => lookup(id))
    .filter((f): f is EvaluationFact => !!f)
    .map(toEvidence);
}

/**
 * Evaluates one control for one entity. Pure: the same inputs always give
 * the same result.
 */
export function evaluateControl(options: {
  control: Control;
  entity: EntitySnapshot;
  lookup: FactLookup;
  waiver?: Waiver;
  now?: Date;
}): EvaluatedResult {
  const { control, entity, lookup, waiver } = options;
  if (!isApplicable(control.applicability, entity)) {
    return {
      controlId: control.id,
      status: 'not_applicable',
      reason: 'The control does not apply to this entity',
      evidence: [],
      controlVersion: control.version,
    };
  }
  const used = new Set<string>();
  const merge = (s: Set<string>) => s.forEach(f => used.add(f));

  if (control.rule.notApplicable) {
    const na = evaluateCondition(control.rule.notApplicable, lookup);
    merge(na.used);
    if (na.truth === true) {
      return {
        controlId: control.id,
        status: 'not_applicable',
        reason: 'The control does not apply to this entity',
        evidence: evidenceFor(used, lookup),
        controlVersion: control.version,
      };
    }
    if (na.truth === 'unknown')
      return unknownResult(control, na.unknowns, used, lookup);
  }

  const pass = evaluateCondition(control.rule.pass, lookup);
  merge(pass.used);
  let status: ComplianceStatus;
  let reason: string;
  if (pass.truth === 'unknown') {
    // A warn condition that holds still cannot decide: pass might hold too.
    return unknownResult(control, pass.unknowns, used, lookup);
  } else if (pass.truth) {
    status = 'pass';
    reason = control.messages?.pass ?? 'All conditions are met';
  } else if (control.rule.warn) {
    const warn = evaluateCondition(control.rule.warn, lookup);
    merge(warn.used);
    if (warn.truth === 'unknown')
      return unknownResult(control, warn.unknowns, used, lookup);
    status = warn.truth ? 'warn' : 'fail';
    reason =
      (warn.truth ? control.messages?.warn : control.messages?.fail) ??
      capitalise(pass.failures.join('; '));
  } else {
    status = 'fail';
    reason = control.messages?.fail ?? capitalise(pass.failures.join('; '));
  }

  if (waiver && (status === 'fail' || status === 'warn')) {
    const active =
      !waiver.expiresAt ||
      new Date(waiver.expiresAt) > (options.now ?? new Date());
    const evidence = evidenceFor(used, lookup);
    const sameEvidence =
      !waiver.evidenceHash || waiver.evidenceHash === evidenceHashOf(evidence);
    if (active && sameEvidence) {
      return {
        controlId: control.id,
        status: 'waived',
        reason: `Waived: ${waiver.reason}${
          waiver.approvedBy ? ` (approved by ${waiver.approvedBy})` : ''
        }${waiver.expiresAt ? ` (until ${waiver.expiresAt})` : ''}`,
        evidence,
        controlVersion: control.version,
      };
    }
  }

  return {
    controlId: control.id,
    status,
    reason:
      reason ||
      (status === 'pass' ? 'All conditions are met' : 'Conditions are not met'),
    evidence: evidenceFor(used, lookup),
    controlVersion: control.version,
  };
}

function capitalise(s: string) {
  return s ? s[0].toLocaleUpperCase('en-US') + s.slice(1) : s;
}
