-- Top 100 tracks of the day by listening time.
-- Reads legacy-proj.music.plays_v1 (one row per play); plays under 30 s are skips.
SELECT
  p.played_date,
  p.track_uri,
  COUNT(*) AS plays,
  SUM(p.ms_played) AS ms_played
FROM `legacy-proj.music.plays_v1` AS p
WHERE p.played_date = @run_date
  AND p.ms_played >= 30000  -- ignore skips
GROUP BY p.played_date, p.track_uri
ORDER BY ms_played DESC
LIMIT 100
