// The back office's session: its id in this tab's sessionStorage (8 hours at most), sent to the API in a
// header. Listed on the cookies page, for staff (a browser test reads SESSION_KEY here).
import { request } from "./api.js";
import { readText, remove, writeText } from "./storage.js";

export const SESSION_KEY = "allavie.staff";

export function session() {
  return readText(sessionStorage, SESSION_KEY);
}

export function keepSession(id) {
  writeText(sessionStorage, SESSION_KEY, id);
}

export function forget() {
  remove(sessionStorage, SESSION_KEY);
}

// A request with the session; onSignedOut runs when the API no longer knows it (401).
export async function staffRequest(method, path, body, onSignedOut) {
  const answer = await request(method, path, body, { token: session() || "" });
  if (answer.status === 401 && onSignedOut) onSignedOut();
  return answer;
}

export function errorOf(answer, fallback) {
  return (answer.body && answer.body.error) || { message: fallback };
}
