-- Rebuilds the artist lookup from the catalog (no listening data involved).
CREATE OR REPLACE TABLE `acme-analytics.reporting.artists` AS
SELECT
  artist_id,
  ANY_VALUE(artist_name) AS artist_name,
  COUNT(*) AS tracks,
  MIN(release_date) AS first_release
FROM `legacy-proj.catalog.tracks`
GROUP BY artist_id
