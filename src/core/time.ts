/** All stored timestamps are ISO-8601 UTC strings: sortable as text on SQLite and PostgreSQL alike. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function isoAgo(ms: number, from: number = Date.now()): string {
  return new Date(from - ms).toISOString();
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
