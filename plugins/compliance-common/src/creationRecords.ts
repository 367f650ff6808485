import { z } from 'zod';

/**
 * "Created at level X by template Y": recorded once per scaffolder run after
 * the new entity's first evaluation, and shown in its history.
 *
 * @public
 */
export interface CreationRecord {
  entityRef: string;
  /** The level the entity reached at its first evaluation; null for none. */
  level: string | null;
  /** The template that created it, for example template:default/new-service. */
  templateRef: string;
  /** The scaffolder task id of the run. */
  taskId: string;
  /** A link to the template run. */
  runUrl?: string;
  /** The user (or service) who ran the template. */
  recordedBy: string;
  createdAt: string;
}

const refPattern = /^[a-z0-9-_]+:[A-Za-z0-9-_.]+\/[A-Za-z0-9-_.]+$/i;

/**
 * The body of `POST /entities/:kind/:namespace/:name/creation`. The level is
 * not in it: the backend records the level of its own evaluation.
 *
 * @public
 */
export const creationRecordRequestSchema = z
  .object({
    templateRef: z
      .string()
      .max(255)
      .regex(
        refPattern,
        'templateRef must be an entity ref such as template:default/new-service',
      ),
    taskId: z
      .string()
      .min(1)
      .max(127)
      .regex(/^[\w.-]+$/, 'taskId must be a scaffolder task id'),
    runUrl: z
      .string()
      .max(2048)
      .url()
      .refine(u => /^https?:\/\//i.test(u), 'runUrl must be an http(s) URL')
      .optional(),
  })
  .strict();
