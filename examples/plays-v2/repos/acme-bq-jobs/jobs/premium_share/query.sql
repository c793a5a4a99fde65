-- Share of listening time that comes from premium accounts, per platform.
SELECT
  @run_date AS played_date,
  platform,
  SAFE_DIVIDE(SUM(IF(is_premium, ms_played, 0)), SUM(ms_played)) AS premium_share
FROM `legacy-proj.music.plays_v1`
WHERE played_date = @run_date
GROUP BY platform
