-- Premium and free streams are paid from different pools.
SELECT
  DATE_TRUNC(played_date, MONTH) AS month,
  is_premium,
  country,
  SUM(ms_played) AS ms_streamed
FROM `legacy-proj.music.plays_v1`
WHERE played_date BETWEEN @period_start AND @period_end
GROUP BY month, is_premium, country
