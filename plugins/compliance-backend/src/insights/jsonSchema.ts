import { z } from 'zod';

/**
 * (Matched by type name: the schemas come from `-common`, whose zod may be
 * another copy of the module.)
 *
 * A JSON schema of the zod types the insight draft uses (objects, strings,
 * numbers, arrays, literals, enums), in the strict form structured-output
 * APIs accept: every property required, no additional properties.
 */
export function zodToJsonSchema(schema: z.ZodTypeAny): Record<string, unknown> {
  const def = schema._def;
  if (def.typeName === 'ZodObject') {
    const shape = def.shape() as Record<string, z.ZodTypeAny>;
    return {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(shape).map(([k, v]) => [k, zodToJsonSchema(v)]),
      ),
      required: Object.keys(shape),
      additionalProperties: false,
    };
  }
  if (def.typeName === 'ZodString') {
    const out: Record<string, unknown> = { type: 'string' };
    for (const check of def.checks as Array<{
      kind: string;
      value?: number;
      regex?: RegExp;
    }>) {
      if (check.kind === 'min') out.minLength = check.value;
      if (check.kind === 'max') out.maxLength = check.value;
      if (check.kind === 'regex') out.pattern = check.regex!.source;
    }
    return out;
  }
  if (def.typeName === 'ZodNumber') {
    const out: Record<string, unknown> = { type: 'number' };
    for (const check of def.checks as Array<{ kind: string; value: number }>) {
      if (check.kind === 'min') out.minimum = check.value;
      if (check.kind === 'max') out.maximum = check.value;
    }
    return out;
  }
  if (def.typeName === 'ZodArray') {
    return {
      type: 'array',
      items: zodToJsonSchema(def.type),
      ...(def.minLength ? { minItems: def.minLength.value } : {}),
      ...(def.maxLength ? { maxItems: def.maxLength.value } : {}),
    };
  }
  if (def.typeName === 'ZodLiteral') return { const: def.value };
  if (def.typeName === 'ZodEnum') {
    return { type: 'string', enum: [...def.values] };
  }
  if (def.typeName === 'ZodBoolean') return { type: 'boolean' };
  throw new Error(`No JSON schema for zod type ${def.typeName}`);
}
