// The clinic's days and wall times, always in Stockholm (Europe/Stockholm), whatever the visitor's zone.
// A day is "YYYY-MM-DD"; an instant is an ISO string (the API's carry the Stockholm offset, so
// iso.slice(11, 16) is its wall time). Correct across both daylight-saving changes.
import { locale } from "./texts.js";

export const ZONE = "Europe/Stockholm";
const DAY_MS = 24 * 3600 * 1000;
const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});

// The Stockholm wall time of an instant, as milliseconds of a UTC clock showing that wall time.
function wallMs(ms) {
  const p = {};
  for (const part of parts.formatToParts(new Date(ms))) p[part.type] = part.value;
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
}

// Today in Stockholm.
export function today(now = new Date()) {
  return new Date(wallMs(now.getTime())).toISOString().slice(0, 10);
}

// The day n days after (or before) day. Calendar arithmetic at noon UTC: no zone or DST can move it.
export function addDays(day, n) {
  const d = new Date(day + "T12:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// 0 is Sunday, as JavaScript counts (and the booking page's closed weekdays).
export function weekdayOf(day) {
  return new Date(day + "T12:00:00Z").getUTCDay();
}

// The Monday of day's week (ISO weeks, as the clinic's calendar).
export function mondayOf(day) {
  return addDays(day, -((weekdayOf(day) + 6) % 7));
}

// The instant that is this wall time in Stockholm: ("2027-03-30", "13:00") -> "2027-03-30T11:00:00.000Z".
// As Temporal's "compatible": a time that occurs twice (the autumn's 02:00-03:00) is the earlier one,
// a time that does not occur (the spring's 02:00-03:00) moves forward by the gap.
export function stockholmInstant(day, time) {
  const want = Date.parse(day + "T" + time + ":00Z");
  if (Number.isNaN(want)) throw new RangeError("not a day and time: " + day + " " + time);
  const before = wallMs(want - DAY_MS) - (want - DAY_MS);
  const after = wallMs(want + DAY_MS) - (want + DAY_MS);
  const fits = [want - before, want - after].filter((ms) => wallMs(ms) === want);
  const ms = fits.length ? Math.min(...fits) : want - before;
  return new Date(ms).toISOString();
}

// "13:00" of an instant, in Stockholm (for instants without the Stockholm offset).
export function wallTime(iso) {
  return new Date(wallMs(Date.parse(iso))).toISOString().slice(11, 16);
}

// A day written out in the page's language ("tisdag 1 december"); options as Intl's.
export function formatDay(day, lang, options) {
  return new Date(day.slice(0, 10) + "T12:00:00Z").toLocaleDateString(locale(lang), { ...options, timeZone: "UTC" });
}

// An instant written out in Stockholm time; options as Intl's.
export function formatInstant(iso, lang, options) {
  return new Date(iso).toLocaleString(locale(lang), { ...options, timeZone: ZONE });
}

// "tisdag 1 december 2026 kl. 09:00" / "Tuesday 1 December 2026 at 09:00", as in the e-mails.
export function whenLabel(iso, lang) {
  return formatInstant(iso, lang, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

// "onsdag 7 april" / "Wednesday 7 April".
export function dayLabel(day, lang) {
  return formatDay(day, lang, { weekday: "long", day: "numeric", month: "long" });
}

// "25 november 2029" / "25 November 2029".
export function dateLabel(day, lang) {
  return formatDay(day, lang, { day: "numeric", month: "long", year: "numeric" });
}

// "27 november 2026 kl. 10:00" (sv) / "27 November 2026 at 10:00" (en): when a photo or a message came.
export function stampLabel(iso, lang) {
  return formatInstant(iso, lang, { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
}
