/**
 * Calendar arithmetic on whole days since 1970-01-01 and on local minutes (Asia/Ho_Chi_Minh, UTC+07:00, no
 * daylight saving), so that generated dates never depend on the host's time zone.
 */

const MS_PER_DAY = 86_400_000;
export const MINUTES_PER_DAY = 1440;

export function dayOf(date: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function dayOfYmd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function yearOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return (day + 4) % 7;
}

/** The same calendar day `years` later (Feb 29 → Mar 1 in common years). */
export function addYears(day: number, years: number): number {
  const date = new Date(day * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate()) / MS_PER_DAY;
}

/** Adds working days (Monday–Friday) to a day. */
export function addWorkingDays(day: number, workingDays: number): number {
  let result = day;
  let left = workingDays;
  while (left > 0) {
    result += 1;
    const weekday = weekdayOfDay(result);
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return result;
}

/** RFC 3339 with the +07:00 offset for a local minute count since 1970-01-01T00:00 local. */
export function formatLocalMinute(localMinute: number): string {
  const day = Math.floor(localMinute / MINUTES_PER_DAY);
  const minuteOfDay = localMinute - day * MINUTES_PER_DAY;
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, "0");
  const minutes = String(minuteOfDay % 60).padStart(2, "0");
  return `${formatDay(day)}T${hours}:${minutes}:00+07:00`;
}
