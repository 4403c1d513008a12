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

/** [year, month, day] of a day number (H. Hinnant's civil_from_days: no Date object on hot paths). */
function civil(day: number): [number, number, number] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth];
}

export function formatDay(day: number): string {
  const [year, month, dayOfMonth] = civil(day);
  return `${year}-${month < 10 ? "0" : ""}${month}-${dayOfMonth < 10 ? "0" : ""}${dayOfMonth}`;
}

export function yearOfDay(day: number): number {
  return civil(day)[0];
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
  if (workingDays <= 0) return day;
  // From a weekend, counting starts as from the Friday before; from a weekday, 5 working days are a week.
  const start = weekdayOfDay(day) === 6 ? day - 1 : weekdayOfDay(day) === 0 ? day - 2 : day;
  let result = start + Math.floor(workingDays / 5) * 7;
  let left = workingDays % 5;
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
