import * as z from 'zod';

/** The free-text `message` every Singularity action body may carry. */
export const message = z.string().max(10_000).optional();

/** A query-string integer, checked before it becomes a number. */
export const intString = (min: number, max: number) =>
  z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** A query-string time in epoch milliseconds. */
export const millis = z.string().regex(/^\d{1,15}$/, 'must be a time in epoch milliseconds').transform(Number);

/** A query-string boolean, as Jersey reads one. */
export const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const paginationSchema = z.object({
  count: intString(1, 1000).optional(),
  page: intString(1, 1_000_000).optional(),
});

export function paginate<T>(items: readonly T[], count = 100, page = 1): T[] {
  return items.slice((page - 1) * count, page * count);
}
