import { JsonValue } from 'backstage-plugin-compliance-common';

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Whether a stored JSON value is an object (not an array, not null). */
export function isJsonObject(
  value: JsonValue | undefined,
): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isString = (value: JsonValue | undefined): value is string =>
  typeof value === 'string';

export const isNumber = (value: JsonValue | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export const isBoolean = (value: JsonValue | undefined): value is boolean =>
  typeof value === 'boolean';

/** `value` when it is a string or null, else `undefined`. */
export function stringOrNull(
  value: JsonValue | undefined,
): string | null | undefined {
  return value === null || isString(value) ? value : undefined;
}

/** Whether an answer body is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
