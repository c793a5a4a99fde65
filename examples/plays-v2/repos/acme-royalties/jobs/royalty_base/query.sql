-- Streamed time per rights holder: the base of the monthly royalty statement.
SELECT
  @period_start AS period_start,
  r.rights_holder_id,
  r.share_pct,
  SUM(ms_played) AS ms_streamed,
  COUNT(*) AS streams
FROM `legacy-proj.music.plays_v1`
JOIN `legacy-proj.rights.track_rights` AS r USING (track_uri)
WHERE played_date BETWEEN @period_start AND @period_end
  AND ms_played >= 30000  -- a stream counts from 30 seconds
GROUP BY r.rights_holder_id, r.share_pct
