import { useEffect, useState } from "react";
import { Play, recentPlays } from "../api/history";

function minutes(ms: number): string {
  return `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, "0")}`;
}

export function RecentlyPlayed({ userId }: { userId: string }) {
  const [plays, setPlays] = useState<Play[]>([]);

  useEffect(() => {
    recentPlays(userId).then(setPlays).catch(() => setPlays([]));
  }, [userId]);

  return (
    <ol className="recently-played">
      {plays.map((play) => (
        <li key={`${play.trackId}-${play.playedAt}`}>
          {play.title} · {play.artist} <span>{minutes(play.durationMs)}</span>
        </li>
      ))}
    </ol>
  );
}
