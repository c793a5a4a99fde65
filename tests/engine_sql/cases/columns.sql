### a table alias keeps qualifying the mapped columns
SELECT p.user_id, p.ms_played, p.played_date
FROM `legacy-proj.music.plays_v1` AS p
WHERE p.track_uri = 'spotify:track:1'
>>>
SELECT p.user_id, p.duration_ms AS ms_played, DATE(p.played_at) AS played_date
FROM `core-proj.music.plays_v2` AS p
WHERE p.track_id = 'spotify:track:1'

### a qualifier that is the old table's own name becomes the new table's name
SELECT plays_v1.user_id, plays_v1.track_uri
FROM legacy-proj.music.plays_v1
WHERE plays_v1.platform = 'ios'
>>>
SELECT plays_v2.user_id, plays_v2.track_id AS track_uri
FROM core-proj.music.plays_v2
WHERE plays_v2.platform = 'ios'

### unqualified columns of the only table in scope
select user_id, ms_played from `legacy-proj.music.plays_v1` where played_date >= '2024-01-01'
>>>
select user_id, duration_ms AS ms_played from `core-proj.music.plays_v2` where DATE(played_at) >= '2024-01-01'

### an explicit alias is kept
SELECT ms_played AS listened, track_uri AS track FROM `legacy-proj.music.plays_v1`
>>>
SELECT duration_ms AS listened, track_id AS track FROM `core-proj.music.plays_v2`

### an ORDER BY / GROUP BY item naming an output alias stays
SELECT track_uri, SUM(ms_played) AS ms_played
FROM `legacy-proj.music.plays_v1`
GROUP BY track_uri
ORDER BY ms_played DESC
>>>
SELECT track_id AS track_uri, SUM(duration_ms) AS ms_played
FROM `core-proj.music.plays_v2`
GROUP BY track_id
ORDER BY ms_played DESC

### a nested field mapping keeps its qualifier
SELECT p.country, COUNT(*) AS plays FROM `legacy-proj.music.plays_v1` p GROUP BY p.country
>>>
SELECT p.geo.country_code AS country, COUNT(*) AS plays FROM `core-proj.music.plays_v2` p GROUP BY p.geo.country_code

### struct fields of other columns are not touched
SELECT p.user_id, t.album.name FROM `legacy-proj.music.plays_v1` p JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
SELECT p.user_id, t.album.name FROM `core-proj.music.plays_v2` p JOIN `core-proj.music.tracks` t ON t.track_id = p.track_id

### column names match case-insensitively and keep the original spelling as output name
SELECT Ms_Played, PLAYED_DATE FROM `legacy-proj.music.plays_v1`
>>>
SELECT duration_ms AS Ms_Played, DATE(played_at) AS PLAYED_DATE FROM `core-proj.music.plays_v2`

### literals, comments and longer names are untouched
-- reads legacy-proj.music.plays_v1 (ms_played)
SELECT 'ms_played' AS label, ms_played /* ms_played */
FROM `legacy-proj.music.plays_v1`
WHERE track_uri LIKE '%plays_v1%' -- plays_v10
>>>
-- reads legacy-proj.music.plays_v1 (ms_played)
SELECT 'ms_played' AS label, duration_ms AS ms_played /* ms_played */
FROM `core-proj.music.plays_v2`
WHERE track_id LIKE '%plays_v1%' -- plays_v10

### a self-join maps each side through its own alias
SELECT a.user_id, a.track_uri, b.track_uri AS next_track
FROM music.plays_v1 a
JOIN music.plays_v1 b ON a.user_id = b.user_id AND b.played_date > a.played_date
>>>
SELECT a.user_id, a.track_id AS track_uri, b.track_id AS next_track
FROM core-proj.music.plays_v2 a
JOIN core-proj.music.plays_v2 b ON a.user_id = b.user_id AND DATE(b.played_at) > DATE(a.played_at)

### old_columns settles an unqualified column in a join and the mapping gets qualified
SELECT t.title, ms_played, track_uri
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
SELECT t.title, p.duration_ms AS ms_played, p.track_id AS track_uri
FROM `core-proj.music.plays_v2` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_id

### a column both tables may have is left alone when its mapping does not change it
SELECT p.ms_played, platform
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.devices` d ON d.user_id = p.user_id
>>>
SELECT p.duration_ms AS ms_played, platform
FROM `core-proj.music.plays_v2` p
JOIN `core-proj.music.devices` d ON d.user_id = p.user_id

### a correlated subquery reaches the outer alias
SELECT user_id FROM `legacy-proj.music.plays_v1` p
WHERE EXISTS (SELECT 1 FROM `core-proj.music.tracks` t WHERE t.track_id = p.track_uri)
>>>
SELECT user_id FROM `core-proj.music.plays_v2` p
WHERE EXISTS (SELECT 1 FROM `core-proj.music.tracks` t WHERE t.track_id = p.track_id)

### columns of CTEs and subqueries are theirs, and their output names are kept
WITH daily AS (
  SELECT user_id, played_date, SUM(ms_played) AS ms_played
  FROM `legacy-proj.music.plays_v1`
  GROUP BY user_id, played_date
)
SELECT d.user_id, d.ms_played, x.played_date
FROM daily d
JOIN (SELECT played_date FROM `legacy-proj.music.plays_v1` WHERE country = 'SE') x USING (played_date)
>>>
WITH daily AS (
  SELECT user_id, DATE(played_at) AS played_date, SUM(duration_ms) AS ms_played
  FROM `core-proj.music.plays_v2`
  GROUP BY user_id, DATE(played_at)
)
SELECT d.user_id, d.ms_played, x.played_date
FROM daily d
JOIN (SELECT DATE(played_at) AS played_date FROM `core-proj.music.plays_v2` WHERE geo.country_code = 'SE') x USING (played_date)

### a CTE named like the old table is not a table reference
WITH plays_v1 AS (SELECT 1 AS ms_played)
SELECT ms_played FROM plays_v1
>>>
WITH plays_v1 AS (SELECT 1 AS ms_played)
SELECT ms_played FROM plays_v1

### already migrated SQL is left alone
SELECT user_id, duration_ms AS ms_played FROM `core-proj.music.plays_v2`
>>>
SELECT user_id, duration_ms AS ms_played FROM `core-proj.music.plays_v2`

### every branch of a UNION keeps the first branch's output names
SELECT track_uri FROM `legacy-proj.music.plays_v1` WHERE country = 'SE'
UNION ALL
SELECT track_id FROM `core-proj.music.tracks`
>>>
SELECT track_id AS track_uri FROM `core-proj.music.plays_v2` WHERE geo.country_code = 'SE'
UNION ALL
SELECT track_id FROM `core-proj.music.tracks`

### window ORDER BY and QUALIFY: columns are mapped, output aliases stay
SELECT user_id, ROW_NUMBER() OVER (PARTITION BY country ORDER BY ms_played DESC) AS rn
FROM `legacy-proj.music.plays_v1`
QUALIFY rn = 1
>>>
SELECT user_id, ROW_NUMBER() OVER (PARTITION BY geo.country_code ORDER BY duration_ms DESC) AS rn
FROM `core-proj.music.plays_v2`
QUALIFY rn = 1

### scalar and ARRAY subqueries
SELECT u.id, ARRAY(SELECT AS STRUCT track_uri FROM `legacy-proj.music.plays_v1` q WHERE q.user_id = u.id) AS plays
FROM `core-proj.music.users` u
WHERE (SELECT MAX(ms_played) FROM `legacy-proj.music.plays_v1` q WHERE q.user_id = u.id) > 0
>>>
SELECT u.id, ARRAY(SELECT AS STRUCT track_id AS track_uri FROM `core-proj.music.plays_v2` q WHERE q.user_id = u.id) AS plays
FROM `core-proj.music.users` u
WHERE (SELECT MAX(duration_ms) FROM `core-proj.music.plays_v2` q WHERE q.user_id = u.id) > 0

### quoted column names keep their spelling as output name
SELECT p.`ms_played`, `played_date` FROM `legacy-proj.music.plays_v1` p
>>>
SELECT p.duration_ms AS `ms_played`, DATE(played_at) AS `played_date` FROM `core-proj.music.plays_v2` p

### a name old_columns does not list is not the old table's (a script variable here)
SELECT user_id FROM `legacy-proj.music.plays_v1` WHERE played_date >= since
>>>
SELECT user_id FROM `core-proj.music.plays_v2` WHERE DATE(played_at) >= since

### a name a mapping brings into a join gets its owner's qualifier
SELECT title, track_id, ms_played
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
SELECT title, t.track_id, p.duration_ms AS ms_played
FROM `core-proj.music.plays_v2` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_id
