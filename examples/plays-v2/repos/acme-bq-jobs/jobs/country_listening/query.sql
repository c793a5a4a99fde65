-- Weekly listening hours per country, for the markets dashboard.
WITH weekly AS (
  SELECT
    country,
    DATE_TRUNC(played_date, WEEK(MONDAY)) AS week,
    SUM(ms_played) / 3600000 AS hours_played,
    COUNT(DISTINCT user_id) AS listeners
  FROM `legacy-proj`.`music`.`plays_v1`
  WHERE played_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 12 WEEK)
  GROUP BY country, week
)

SELECT country, week, hours_played, listeners
FROM weekly
WHERE listeners >= 100  -- small markets are too noisy
ORDER BY week DESC, hours_played DESC
