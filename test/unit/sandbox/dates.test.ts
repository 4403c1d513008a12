import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  dayOf,
  formatDay,
  formatLocalMinute,
  weekdayOfDay,
  yearOfDay,
} from "../../../sandbox/generate/dates.ts";

describe("calendar arithmetic", () => {
  it("formats days like the platform's dates, across centuries and leap years", () => {
    for (let day = -30_000; day < 40_000; day += 7) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(formatDay(day)).toBe(iso);
      expect(yearOfDay(day)).toBe(Number(iso.slice(0, 4)));
      expect(dayOf(iso)).toBe(day);
    }
  });

  it("adds working days, skipping weekends, also from a weekend", () => {
    const naive = (day: number, count: number) => {
      let result = day;
      for (let left = count; left > 0; ) {
        result += 1;
        if (weekdayOfDay(result) !== 0 && weekdayOfDay(result) !== 6) left -= 1;
      }
      return result;
    };
    const friday = dayOf("2025-11-14");
    expect(weekdayOfDay(friday)).toBe(5);
    expect(formatDay(addWorkingDays(friday, 1))).toBe("2025-11-17");
    for (let day = friday - 14; day < friday + 14; day++) {
      for (let count = 1; count <= 30; count++) expect(addWorkingDays(day, count)).toBe(naive(day, count));
    }
  });

  it("writes timestamps with the +07:00 offset", () => {
    expect(formatLocalMinute(dayOf("2025-11-13") * 1440 + 7 * 60 + 5)).toBe("2025-11-13T07:05:00+07:00");
  });
});
