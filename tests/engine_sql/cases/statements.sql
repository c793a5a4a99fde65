### output names are kept in INSERT ... SELECT
INSERT INTO `core-proj.reports.daily_listening` (user_id, played_date, ms_played)
SELECT user_id, played_date, SUM(ms_played)
FROM `legacy-proj.music.plays_v1`
GROUP BY user_id, played_date
>>>
INSERT INTO `core-proj.reports.daily_listening` (user_id, played_date, ms_played)
SELECT user_id, DATE(played_at) AS played_date, SUM(duration_ms)
FROM `core-proj.music.plays_v2`
GROUP BY user_id, DATE(played_at)

### MERGE from a subquery keeps the subquery's output names
MERGE `core-proj.reports.totals` T
USING (SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`) S
ON T.user_id = S.user_id
WHEN MATCHED THEN UPDATE SET ms_played = T.ms_played + S.ms_played
>>>
MERGE `core-proj.reports.totals` T
USING (SELECT user_id, duration_ms AS ms_played FROM `core-proj.music.plays_v2`) S
ON T.user_id = S.user_id
WHEN MATCHED THEN UPDATE SET ms_played = T.ms_played + S.ms_played

### MERGE straight from the old table maps the source alias's columns only
MERGE `core-proj.reports.totals` T
USING `legacy-proj.music.plays_v1` S
ON T.user_id = S.user_id AND T.track_uri = S.track_uri
WHEN MATCHED THEN UPDATE SET ms_played = S.ms_played
WHEN NOT MATCHED THEN INSERT (user_id, track_uri, ms_played) VALUES (S.user_id, S.track_uri, S.ms_played)
>>>
MERGE `core-proj.reports.totals` T
USING `core-proj.music.plays_v2` S
ON T.user_id = S.user_id AND T.track_uri = S.track_id
WHEN MATCHED THEN UPDATE SET ms_played = S.duration_ms
WHEN NOT MATCHED THEN INSERT (user_id, track_uri, ms_played) VALUES (S.user_id, S.track_id, S.duration_ms)

### CREATE TABLE AS SELECT
CREATE OR REPLACE TABLE `core-proj.reports.top_tracks` AS
SELECT track_uri, COUNT(*) AS plays FROM music.plays_v1 GROUP BY track_uri
>>>
CREATE OR REPLACE TABLE `core-proj.reports.top_tracks` AS
SELECT track_id AS track_uri, COUNT(*) AS plays FROM core-proj.music.plays_v2 GROUP BY track_id

### a script: one unparsable statement does not stop the others
DECLARE since DATE DEFAULT '2024-01-01';
SELECT ms_played FROM `legacy-proj.music.plays_v1` WHERE played_date >= since;
SELECT ms_played FROM `legacy-proj.music.plays_v1` WHERE AND;
SELECT 1 FROM `core-proj.music.tracks` WHERE AND;
SELECT track_uri
FROM `legacy-proj.music.plays_v1`;
>>>
DECLARE since DATE DEFAULT '2024-01-01';
SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2` WHERE DATE(played_at) >= since;
-- godwit: this statement cannot be parsed and mentions legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT ms_played FROM `legacy-proj.music.plays_v1` WHERE AND;
SELECT 1 FROM `core-proj.music.tracks` WHERE AND;
SELECT track_id AS track_uri
FROM `core-proj.music.plays_v2`;

### a guardrail goes above the statement's first token, not its leading comment
SELECT 1;
-- premium listeners
  SELECT user_id
  FROM `legacy-proj.music.plays_v1`
  WHERE is_premium
>>>
SELECT 1;
-- premium listeners
  -- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
  SELECT user_id
  FROM `legacy-proj.music.plays_v1`
  WHERE is_premium

### a reference without project is written fully qualified when the project changes
SELECT ms_played FROM music.plays_v1
>>>
SELECT duration_ms AS ms_played FROM core-proj.music.plays_v2

### scripting: variables from a query, blocks and conditions
DECLARE last_day DATE DEFAULT (SELECT MAX(played_date) FROM `legacy-proj.music.plays_v1`);
SET last_day = (SELECT MAX(played_date) FROM `legacy-proj.music.plays_v1`);
BEGIN
  SELECT ms_played FROM `legacy-proj.music.plays_v1` WHERE played_date = last_day;
EXCEPTION WHEN ERROR THEN
  SELECT @@error.message;
END;
IF last_day IS NULL THEN
  SELECT track_uri FROM `legacy-proj.music.plays_v1`;
ELSEIF EXISTS (SELECT 1 FROM `legacy-proj.music.plays_v1`) THEN
  SELECT 1;
END IF
>>>
DECLARE last_day DATE DEFAULT (SELECT MAX(DATE(played_at)) FROM `core-proj.music.plays_v2`);
SET last_day = (SELECT MAX(DATE(played_at)) FROM `core-proj.music.plays_v2`);
BEGIN
  SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2` WHERE DATE(played_at) = last_day;
EXCEPTION WHEN ERROR THEN
  SELECT @@error.message;
END;
IF last_day IS NULL THEN
  SELECT track_id AS track_uri FROM `core-proj.music.plays_v2`;
-- godwit: this statement cannot be parsed and mentions legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
ELSEIF EXISTS (SELECT 1 FROM `legacy-proj.music.plays_v1`) THEN
  SELECT 1;
END IF

### EXPORT DATA
EXPORT DATA OPTIONS (uri = 'gs://bucket/plays-*.csv', format = 'CSV') AS
SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`
>>>
EXPORT DATA OPTIONS (uri = 'gs://bucket/plays-*.csv', format = 'CSV') AS
SELECT user_id, duration_ms AS ms_played FROM `core-proj.music.plays_v2`

### an old table inside a statement sqlglot reads as an opaque command still guards it
CALL reports.refresh((SELECT MAX(played_date) FROM `legacy-proj.music.plays_v1`))
>>>
-- godwit: this statement cannot be parsed and mentions legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
CALL reports.refresh((SELECT MAX(played_date) FROM `legacy-proj.music.plays_v1`))
