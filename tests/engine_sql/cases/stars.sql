### a star feeding only named references inside the statement stays, the references are mapped
WITH recent AS (
  SELECT * FROM `legacy-proj.music.plays_v1` WHERE played_date > '2024-01-01'
)
SELECT r.user_id, r.ms_played, track_uri FROM recent r
>>>
WITH recent AS (
  SELECT * FROM `core-proj.music.plays_v2` WHERE DATE(played_at) > '2024-01-01'
)
SELECT r.user_id, r.duration_ms AS ms_played, track_id AS track_uri FROM recent r

### a star reaching the output is expanded in old_columns order
SELECT * EXCEPT (is_premium) FROM `legacy-proj.music.plays_v1`
>>>
SELECT user_id, track_id AS track_uri, duration_ms AS ms_played, DATE(played_at) AS played_date, geo.country_code AS country, platform FROM `core-proj.music.plays_v2`

### a qualified star reaching the output through a CTE
WITH p AS (SELECT p.* EXCEPT (is_premium, platform) FROM `legacy-proj.music.plays_v1` AS p)
SELECT * FROM p
>>>
WITH p AS (SELECT p.user_id, p.track_id AS track_uri, p.duration_ms AS ms_played, DATE(p.played_at) AS played_date, p.geo.country_code AS country FROM `core-proj.music.plays_v2` AS p)
SELECT * FROM p

### a star reaching the output that would read a null-mapped column
SELECT * FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: SELECT * would read is_premium, which has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT * FROM `legacy-proj.music.plays_v1`

### an EXCEPT list of a remaining star follows renames and drops columns the new table lacks
WITH base AS (SELECT * EXCEPT (is_premium, track_uri) FROM `legacy-proj.music.plays_v1`)
SELECT user_id, COUNT(*) AS plays FROM base GROUP BY user_id
>>>
WITH base AS (SELECT * EXCEPT (track_id) FROM `core-proj.music.plays_v2`)
SELECT user_id, COUNT(*) AS plays FROM base GROUP BY user_id

### a star in EXISTS does not reach the output
SELECT t.track_id FROM `core-proj.music.tracks` t
WHERE EXISTS (SELECT * FROM `legacy-proj.music.plays_v1` p WHERE p.track_uri = t.track_id)
>>>
SELECT t.track_id FROM `core-proj.music.tracks` t
WHERE EXISTS (SELECT * FROM `core-proj.music.plays_v2` p WHERE p.track_id = t.track_id)

### a star reaching the output through a derived table is expanded where it reads the old table
SELECT * FROM (SELECT * EXCEPT (is_premium) FROM `legacy-proj.music.plays_v1`) WHERE ms_played > 0
>>>
SELECT * FROM (SELECT user_id, track_id AS track_uri, duration_ms AS ms_played, DATE(played_at) AS played_date, geo.country_code AS country, platform FROM `core-proj.music.plays_v2`) WHERE ms_played > 0

### a star in an IN subquery is expanded
SELECT title FROM `core-proj.music.tracks`
WHERE track_id IN (SELECT * EXCEPT (user_id, ms_played, played_date, country, is_premium, platform) FROM `legacy-proj.music.plays_v1`)
>>>
SELECT title FROM `core-proj.music.tracks`
WHERE track_id IN (SELECT track_id AS track_uri FROM `core-proj.music.plays_v2`)

### stars through two CTEs are rewritten through both
WITH a AS (SELECT * FROM `legacy-proj.music.plays_v1`),
b AS (SELECT * FROM a WHERE platform = 'ios')
SELECT b.track_uri, COUNT(*) AS plays FROM b GROUP BY 1
>>>
WITH a AS (SELECT * FROM `core-proj.music.plays_v2`),
b AS (SELECT * FROM a WHERE platform = 'ios')
SELECT b.track_id AS track_uri, COUNT(*) AS plays FROM b GROUP BY 1

### a star over a join reaching the output needs a person
SELECT * FROM `legacy-proj.music.plays_v1` p JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
-- godwit: SELECT * over legacy-proj.music.plays_v1 and other tables reaches the output; see https://wiki.example.com/migrations/plays-v2
SELECT * FROM `legacy-proj.music.plays_v1` p JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri

### a star in a UNION branch is matched by position, so it is expanded even inside a CTE
WITH all_plays AS (
  SELECT * EXCEPT (is_premium) FROM `legacy-proj.music.plays_v1`
  UNION ALL
  SELECT * FROM `legacy-proj.archive.plays_2019`
)
SELECT user_id, ms_played FROM all_plays
>>>
WITH all_plays AS (
  SELECT user_id, track_id AS track_uri, duration_ms AS ms_played, DATE(played_at) AS played_date, geo.country_code AS country, platform FROM `core-proj.music.plays_v2`
  UNION ALL
  SELECT * FROM `legacy-proj.archive.plays_2019`
)
SELECT user_id, ms_played FROM all_plays
