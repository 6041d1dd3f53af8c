// Stockholm days and wall times (site/assets/js/lib/dates.js), on any machine's zone and any day:
// every instant is given, nothing reads the clock.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  addDays, dateLabel, dayLabel, formatDay, mondayOf, stockholmInstant, stampLabel, today, wallTime, weekdayOf, whenLabel,
} from "../../site/assets/js/lib/dates.js";

test("a wall time in winter and in summer is the instant one or two hours before in UTC", () => {
  assert.equal(stockholmInstant("2027-01-15", "13:00"), "2027-01-15T12:00:00.000Z");
  assert.equal(stockholmInstant("2027-07-15", "13:00"), "2027-07-15T11:00:00.000Z");
});

test("across the spring change (2027-03-28, 02:00 -> 03:00)", () => {
  assert.equal(stockholmInstant("2027-03-27", "13:00"), "2027-03-27T12:00:00.000Z"); // the Saturday: CET
  assert.equal(stockholmInstant("2027-03-28", "01:59"), "2027-03-28T00:59:00.000Z"); // still CET
  assert.equal(stockholmInstant("2027-03-28", "03:00"), "2027-03-28T01:00:00.000Z"); // CEST from here
  assert.equal(stockholmInstant("2027-03-28", "13:00"), "2027-03-28T11:00:00.000Z");
  assert.equal(stockholmInstant("2027-03-29", "09:00"), "2027-03-29T07:00:00.000Z"); // the Monday after
  // 02:30 does not occur that night: it moves forward by the hour that is skipped (03:30 CEST).
  assert.equal(stockholmInstant("2027-03-28", "02:30"), "2027-03-28T01:30:00.000Z");
});

test("across the autumn change (2027-10-31, 03:00 -> 02:00)", () => {
  assert.equal(stockholmInstant("2027-10-30", "13:00"), "2027-10-30T11:00:00.000Z"); // the Saturday: CEST
  assert.equal(stockholmInstant("2027-10-31", "01:30"), "2027-10-31T23:30:00.000Z".replace("10-31", "10-30"));
  assert.equal(stockholmInstant("2027-10-31", "03:00"), "2027-10-31T02:00:00.000Z"); // CET from here
  assert.equal(stockholmInstant("2027-10-31", "13:00"), "2027-10-31T12:00:00.000Z");
  assert.equal(stockholmInstant("2027-11-01", "09:00"), "2027-11-01T08:00:00.000Z");
  // 02:30 occurs twice that night: the first (still CEST).
  assert.equal(stockholmInstant("2027-10-31", "02:30"), "2027-10-31T00:30:00.000Z");
});

test("a wall time and its instant agree both ways around both changes", () => {
  for (const day of ["2027-03-27", "2027-03-28", "2027-03-29", "2027-10-30", "2027-10-31", "2027-11-01"]) {
    for (const time of ["00:00", "01:15", "03:45", "09:00", "13:00", "18:30", "23:50"]) {
      const instant = stockholmInstant(day, time);
      assert.equal(wallTime(instant), time, `${day} ${time} -> ${instant}`);
      assert.equal(today(new Date(instant)), day, `${day} ${time} is that day in Stockholm`);
    }
  }
});

test("an impossible day or time is refused, not turned into another", () => {
  assert.throws(() => stockholmInstant("2027-02-30x", "13:00"), RangeError);
  assert.throws(() => stockholmInstant("2027-03-01", "25:00"), RangeError);
});

test("today is Stockholm's day, not UTC's nor the machine's", () => {
  assert.equal(today(new Date("2026-12-31T22:59:00Z")), "2026-12-31"); // 23:59 in Stockholm
  assert.equal(today(new Date("2026-12-31T23:00:00Z")), "2027-01-01"); // midnight in Stockholm
  assert.equal(today(new Date("2027-06-30T21:50:00Z")), "2027-06-30"); // 23:50, summer time
  assert.equal(today(new Date("2027-06-30T22:10:00Z")), "2027-07-01");
});

test("addDays counts calendar days across month and year ends and both DST changes", () => {
  assert.equal(addDays("2027-01-31", 1), "2027-02-01");
  assert.equal(addDays("2027-02-28", 1), "2027-03-01");
  assert.equal(addDays("2028-02-28", 1), "2028-02-29"); // a leap year
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(addDays("2027-01-01", -1), "2026-12-31");
  assert.equal(addDays("2027-03-27", 1), "2027-03-28");
  assert.equal(addDays("2027-03-28", 1), "2027-03-29");
  assert.equal(addDays("2027-10-30", 1), "2027-10-31");
  assert.equal(addDays("2027-10-31", 1), "2027-11-01");
  assert.equal(addDays("2027-03-20", 14), "2027-04-03");
  assert.equal(addDays("2027-10-25", 14), "2027-11-08");
  assert.equal(addDays("2027-03-28", 0), "2027-03-28");
});

test("weekdays and the Monday of a week", () => {
  assert.equal(weekdayOf("2027-03-28"), 0); // a Sunday
  assert.equal(weekdayOf("2027-03-29"), 1);
  assert.equal(mondayOf("2027-03-28"), "2027-03-22");
  assert.equal(mondayOf("2027-03-29"), "2027-03-29");
  assert.equal(mondayOf("2027-01-02"), "2026-12-28"); // across the year's end
});

test("dates written out as on the booking pages and in the e-mails", () => {
  assert.equal(whenLabel("2026-12-01T09:00:00+01:00", "sv"), "tisdag 1 december 2026 kl. 09:00");
  assert.equal(whenLabel("2026-12-01T09:00:00+01:00", "en"), "Tuesday, 1 December 2026 at 09:00"); // ICU 7x writes a comma
  // Given in UTC, written in Stockholm time: the same appointment.
  assert.equal(whenLabel("2027-10-31T12:00:00Z", "sv"), "söndag 31 oktober 2027 kl. 13:00");
  assert.equal(whenLabel("2027-03-28T11:00:00Z", "sv"), "söndag 28 mars 2027 kl. 13:00");
  assert.equal(dayLabel("2027-04-07", "sv"), "onsdag 7 april");
  assert.equal(dayLabel("2027-04-07", "en"), "Wednesday 7 April");
  assert.equal(dateLabel("2029-11-25", "sv"), "25 november 2029");
  assert.equal(dateLabel("2029-11-25T00:00:00+01:00", "en"), "25 November 2029");
  assert.equal(formatDay("2027-03-28", "sv", { weekday: "short" }), "sön");
  assert.equal(stampLabel("2026-11-27T09:00:00Z", "sv"), "27 november 2026 kl. 10:00");
});
