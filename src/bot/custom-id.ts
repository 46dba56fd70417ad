import { CUSTOM_ID_MAX } from './limits.js';

/**
 * Component and modal custom ids: `prefix:arg:arg…`. The router dispatches on the prefix; the args
 * carry what the handler needs (short ids, page numbers) so a button still works after a restart.
 */

const SEPARATOR = ':';

export function customId(prefix: string, ...args: (string | number)[]): string {
  for (const part of [prefix, ...args.map(String)]) {
    if (part.includes(SEPARATOR)) throw new Error(`custom id part "${part}" contains "${SEPARATOR}"`);
  }
  const id = [prefix, ...args].join(SEPARATOR);
  if (id.length > CUSTOM_ID_MAX) throw new Error(`custom id "${id}" is longer than ${CUSTOM_ID_MAX} characters`);
  return id;
}

export function parseCustomId(id: string): { prefix: string; args: string[] } {
  const [prefix = '', ...args] = id.split(SEPARATOR);
  return { prefix, args };
}

/** A non-negative integer argument, or undefined when it is not one. */
export function intArg(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return undefined;
  return Number(value);
}
