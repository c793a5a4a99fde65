### every statement of a procedure's body is rewritten, the first one too
CREATE OR REPLACE PROCEDURE reports.refresh_daily()
BEGIN
  INSERT INTO reports.daily (user_id, ms_played)
  SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`;
  SELECT track_uri FROM `legacy-proj.music.plays_v1`;
END;
CALL reports.refresh_daily();
>>>
CREATE OR REPLACE PROCEDURE reports.refresh_daily()
BEGIN
  INSERT INTO reports.daily (user_id, ms_played)
  SELECT user_id, duration_ms AS ms_played FROM `core-proj.music.plays_v2`;
  SELECT track_id AS track_uri FROM `core-proj.music.plays_v2`;
END;
CALL reports.refresh_daily();

### a procedure with parameters and OPTIONS is read statement by statement
CREATE PROCEDURE IF NOT EXISTS `core-proj`.reports.listening_since(IN since DATE, OUT total INT64)
OPTIONS (strict_mode = FALSE)
BEGIN
  SET total = (
    SELECT SUM(ms_played) FROM `legacy-proj.music.plays_v1` WHERE played_date >= since
  );
  SELECT track_uri, COUNT(*) AS plays
  FROM `legacy-proj.music.plays_v1`
  WHERE played_date >= since
  GROUP BY track_uri;
END
>>>
CREATE PROCEDURE IF NOT EXISTS `core-proj`.reports.listening_since(IN since DATE, OUT total INT64)
OPTIONS (strict_mode = FALSE)
BEGIN
  SET total = (
    SELECT SUM(duration_ms) FROM `core-proj.music.plays_v2` WHERE DATE(played_at) >= since
  );
  SELECT track_id AS track_uri, COUNT(*) AS plays
  FROM `core-proj.music.plays_v2`
  WHERE DATE(played_at) >= since
  GROUP BY track_id;
END

### a statement of a procedure that needs a person is guarded on its own line
CREATE TEMP PROCEDURE premium_report(IN n INT64)
BEGIN
  DECLARE top_track STRING;
  SET top_track = (SELECT ANY_VALUE(track_uri) FROM `legacy-proj.music.plays_v1`);
  EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM `legacy-proj.music.plays_v1`';
  BEGIN
    SELECT user_id FROM `legacy-proj.music.plays_v1` WHERE is_premium LIMIT n;
  EXCEPTION WHEN ERROR THEN
    SELECT @@error.message;
  END;
  SELECT ms_played FROM `legacy-proj.music.plays_v1` LIMIT n;
END;
>>>
CREATE TEMP PROCEDURE premium_report(IN n INT64)
BEGIN
  DECLARE top_track STRING;
  SET top_track = (SELECT ANY_VALUE(track_id) FROM `core-proj.music.plays_v2`);
  -- godwit: EXECUTE IMMEDIATE builds SQL at run time that may read legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
  EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM `legacy-proj.music.plays_v1`';
  BEGIN
    -- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
    SELECT user_id FROM `legacy-proj.music.plays_v1` WHERE is_premium LIMIT n;
  EXCEPTION WHEN ERROR THEN
    SELECT @@error.message;
  END;
  SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2` LIMIT n;
END;

### a procedure that only names the old table in its name is not a reference
CREATE OR REPLACE PROCEDURE music.plays_v1_refresh()
BEGIN
  SELECT 1;
END
>>>
CREATE OR REPLACE PROCEDURE music.plays_v1_refresh()
BEGIN
  SELECT 1;
END

### a procedure named `begin` in quotes still opens its body at BEGIN
CREATE OR REPLACE PROCEDURE reports.`begin`()
BEGIN
  SELECT ms_played FROM `legacy-proj.music.plays_v1`;
END
>>>
CREATE OR REPLACE PROCEDURE reports.`begin`()
BEGIN
  SELECT duration_ms AS ms_played FROM `core-proj.music.plays_v2`;
END
