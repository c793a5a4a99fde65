// Client for the listening-history API.
// The API reads the plays_v10 snapshot; it replaced direct reads of plays_v1 in 2023.

export interface Play {
  trackId: string;
  title: string;
  artist: string;
  playedAt: string; // ISO 8601
  durationMs: number;
}

// Name of the export the support team attaches to tickets (not a table this app reads).
export const SUPPORT_EXPORT_NAME = "plays_v1_backup.csv";

export async function recentPlays(userId: string, limit = 20): Promise<Play[]> {
  const response = await fetch(`/api/users/${encodeURIComponent(userId)}/history?limit=${limit}`);
  if (!response.ok) {
    throw new Error(`history request failed: ${response.status}`);
  }
  const body: { plays: Play[] } = await response.json();
  return body.plays;
}
