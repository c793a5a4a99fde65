-- Appends yesterday's listening minutes per user and platform.
-- The retention model reads the same plays_v1 rows: keep the filters in sync.
INSERT INTO `acme-analytics.reporting.user_daily_minutes`
  (played_date, user_id, platform, minutes_played)
SELECT
  played_date,
  user_id,
  platform,
  ROUND(SUM(ms_played) / 60000, 1) AS minutes_played
FROM legacy-proj.music.plays_v1
WHERE played_date = DATE_SUB(@run_date, INTERVAL 1 DAY)
GROUP BY played_date, user_id, platform
