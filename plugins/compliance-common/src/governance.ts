import { z } from 'zod';

/**
 * Where a waiver comes from: requested and approved through the API, or
 * declared in `app-config.yaml` (GitOps; always in force until it expires).
 *
 * @public
 */
export type WaiverSource = 'api' | 'config';

/**
 * The workflow states of a waiver.
 *
 * @public
 */
export type WaiverStatus =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'revoked';

/**
 * Every waiver status.
 *
 * @public
 */
export const WAIVER_STATUSES: readonly WaiverStatus[] = [
  'requested',
  'approved',
  'rejected',
  'expired',
  'revoked',
];

/**
 * A waiver: a control accepted as not met for an entity, until it expires.
 *
 * @public
 */
export interface ComplianceWaiver {
  /** Stable id; config waivers get `config:<index>`. */
  id: string;
  source: WaiverSource;
  entityRef: string;
  controlId: string;
  status: WaiverStatus;
  reason: string;
  link?: string;
  /** ISO timestamp; config waivers may have none. */
  expiresAt?: string;
  requestedBy?: string;
  requestedAt?: string;
  /** The approver (or rejecter) and when. */
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  revokedBy?: string;
  revokedAt?: string;
  /**
   * sha256 of the evidence of the result the waiver was requested or
   * approved against. When the evidence changes the waiver stops applying
   * and is flagged for review.
   */
  evidenceHash?: string;
  /** The evidence changed since approval: it does not apply until re-approved. */
  reviewRequired: boolean;
}

/**
 * What happened to a waiver, by whom.
 *
 * @public
 */
export type WaiverAction =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'revoked'
  | 'expired'
  | 'flagged_for_review';

/**
 * One entry of a waiver's ledger.
 *
 * @public
 */
export interface WaiverEvent {
  waiverId: string;
  entityRef: string;
  controlId: string;
  action: WaiverAction;
  /** The user or service ref, or `system` for expiry and evidence changes. */
  actor: string;
  comment?: string;
  at: string;
}

/**
 * The waivers of an entity (stored and config) and their ledger.
 *
 * @public
 */
export interface EntityWaiversResponse {
  entityRef: string;
  items: ComplianceWaiver[];
  events: WaiverEvent[];
}

const controlIdSchema = z
  .string()
  .min(1, 'controlId is required')
  .max(127)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    'controlId may hold letters, digits, . _ : -',
  );

const noControlChars = (v: string) =>
  ![...v].some(
    c => (c.charCodeAt(0) < 32 && c !== '\n' && c !== '\t') || c === '\u007f',
  );

/**
 * Body of a waiver request.
 *
 * @public
 */
export const waiverRequestSchema = z.object({
  controlId: controlIdSchema,
  reason: z
    .string()
    .trim()
    .min(10, 'reason must say why (at least 10 characters)')
    .max(2000)
    .refine(noControlChars, 'reason must not contain control characters'),
  expiresAt: z
    .string()
    .max(40)
    .refine(v => !Number.isNaN(Date.parse(v)), {
      message: 'expiresAt must be an ISO date or timestamp',
    })
    .refine(v => /^\d{4}-\d{2}-\d{2}/.test(v), {
      message: 'expiresAt must be an ISO date or timestamp',
    }),
  link: z
    .string()
    .max(2000)
    .url('link must be a URL')
    .refine(v => /^https?:\/\//i.test(v), 'link must be an http(s) URL')
    .optional(),
});

/**
 * A waiver request as sent.
 *
 * @public
 */
export type WaiverRequest = z.infer<typeof waiverRequestSchema>;

/**
 * Body of an approval, rejection or revocation.
 *
 * @public
 */
export const waiverDecisionSchema = z.object({
  comment: z
    .string()
    .trim()
    .max(2000)
    .refine(noControlChars, 'comment must not contain control characters')
    .optional(),
});

/**
 * Path parameters of a waiver: `/waivers/:id`.
 *
 * @public
 */
export const waiverIdParamsSchema = z.object({
  id: z.string().uuid('id must be a waiver id (uuid)'),
});

/**
 * Query of the waiver list endpoint.
 *
 * @public
 */
export const waiverListQuerySchema = z.object({
  status: z
    .enum(['requested', 'approved', 'rejected', 'expired', 'revoked'])
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
