import { z } from "zod";

// Why hand-written: zod's iso.datetime accepts offsets up to ±23:59 and Date.parse accepts far more
// than RFC 3339, while PostgreSQL refuses offsets beyond ±15:59 with a data error. Parsing the
// fields ourselves lets every date reach SQL as a Date (an instant, sent in UTC), whatever offset
// the client wrote.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time (`2026-01-31T12:00:00Z`, `…+05:30`) into a Date, or null when the
 * text is not one (bad calendar date, hour 24, offset minutes ≥ 60, year 0000, …).
 *
 * @example
 * parseDateTime("2026-01-31T12:00:00+23:59"); // a Date, never a PostgreSQL error
 */
export function parseDateTime(text: string): Date | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetH = m[8] ? 0 : Number(m[10]);
  const offsetM = m[8] ? 0 : Number(m[11]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (offsetH > 23 || offsetM > 59) return null;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return null; // e.g. 02-30
  local.setUTCHours(hour, minute, second, m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0);
  const sign = m[9] === "-" ? -1 : 1;
  return new Date(local.getTime() - sign * (offsetH * 60 + offsetM) * 60_000);
}

/** The one schema for every date-time field: an RFC 3339 string in, a Date out. */
export const dateTimeField = z.string().transform((v, ctx): Date => {
  const d = parseDateTime(v);
  if (d) return d;
  ctx.addIssue({ code: "custom", message: "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z" });
  return z.NEVER;
});
