-- Checks run before the statements are built.

-- 1. Every day of the period has plays.
SELECT
  COUNT(DISTINCT played_date) = DATE_DIFF(@period_end, @period_start, DAY) + 1 AS ok
FROM `legacy-proj.music.plays_v1`
WHERE played_date BETWEEN @period_start AND @period_end;

-- 2. Premium streams are within the usual band (40-70 % of all streams).
SELECT
  COUNTIF(is_premium) / COUNT(*) BETWEEN 0.4 AND 0.7 AS ok
FROM `legacy-proj.music.plays_v1`
WHERE played_date BETWEEN @period_start AND @period_end;
