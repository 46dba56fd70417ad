import type { z } from 'zod';
import { InvalidInputError } from './errors.js';

/** Input checks shared by the store modules. Each failure is an InvalidInputError naming the field. */

export const SNOWFLAKE = /^\d{17,20}$/;
export const MAX_DAYS = 3650;
export const MAX_TEXT = 6000;

export function snowflake(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SNOWFLAKE.test(value)) {
    throw new InvalidInputError(field, `${field} must be a Discord id (17 to 20 digits).`);
  }
  return value;
}

export function intInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(field, `${field} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function days(value: unknown, field = 'days'): number {
  return intInRange(value, field, 1, MAX_DAYS);
}

export function rowId(value: unknown, field = 'id'): number {
  return intInRange(value, field, 1, Number.MAX_SAFE_INTEGER);
}

export function text(value: unknown, field: string, max = MAX_TEXT): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, `${field} must be text.`);
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidInputError(field, `${field} must not be empty.`);
  if (trimmed.length > max) throw new InvalidInputError(field, `${field} is too long (at most ${max} characters).`);
  return trimmed;
}

export function timestamp(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(field, `${field} must be a time in milliseconds since 1970.`);
  }
  return Math.trunc(value);
}

/** Parses with a zod schema and turns the first issue into an error of the caller's type. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, makeError: (field: string, message: string) => Error = (field, message) => new InvalidInputError(field, message)): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'input';
  const message = issue?.message ?? 'Invalid input.';
  throw makeError(field, message);
}
