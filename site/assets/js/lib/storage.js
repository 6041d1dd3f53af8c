// The browser's storage, which may be denied (private modes, settings): reading gives null, writing
// does nothing. What the pages keep is listed on the cookies page (a browser test keeps that true).

export function readJson(storage, key) {
  try {
    return JSON.parse(storage.getItem(key) || "null");
  } catch {
    return null;
  }
}

export function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage denied */
  }
}

export function readText(storage, key) {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

export function writeText(storage, key, value) {
  try {
    storage.setItem(key, value);
  } catch {
    /* storage denied */
  }
}

export function remove(storage, key) {
  try {
    storage.removeItem(key);
  } catch {
    /* storage denied */
  }
}
