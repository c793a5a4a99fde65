-- Monthly plays and listeners per artist and album.
SELECT
  t.artist_name,
  t.album_name,
  COUNT(*) AS plays,
  COUNT(DISTINCT pl.user_id) AS listeners,
  SUM(pl.ms_played) / 3600000 AS hours_played
FROM music.plays_v1 AS pl
JOIN catalog.tracks AS t
  ON t.track_uri = pl.track_uri
WHERE pl.played_date BETWEEN @start_date AND @end_date
GROUP BY t.artist_name, t.album_name
ORDER BY plays DESC
