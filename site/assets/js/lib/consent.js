// The rule of a stored cookie choice (early.js, in the head before the first paint, repeats it: a
// classic script cannot import): it counts only for the notice it was given under, and for a year.

export const STORAGE_KEY = "allavie.consent";
export const MAX_AGE_MS = 365 * 24 * 3600 * 1000; // ask again after 12 months

// A stored record as consent.js wrote it, or null for anything else.
export function validRecord(record) {
  return record && typeof record === "object" && typeof record.id === "string" && record.choices ? record : null;
}

export function isCurrent(record, policyVersion, now = Date.now()) {
  if (!validRecord(record) || record.policy_version !== policyVersion) return false;
  const given = Date.parse(record.given_at);
  return !Number.isNaN(given) && now - given < MAX_AGE_MS;
}
