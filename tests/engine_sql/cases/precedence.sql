campaign: arithmetic

### an operator mapping is bracketed where precedence needs it, and only there
SELECT
  ms_played,
  ms_played * 2 AS doubled,
  SUM(ms_played) AS total,
  1 + ms_played AS shifted,
  ms_played + 1 AS shifted_again,
  ms_played > 0 AS positive
FROM `legacy-proj.music.plays_v1`
>>>
SELECT
  end_ms - start_ms AS ms_played,
  (end_ms - start_ms) * 2 AS doubled,
  SUM(end_ms - start_ms) AS total,
  1 + (end_ms - start_ms) AS shifted,
  end_ms - start_ms + 1 AS shifted_again,
  end_ms - start_ms > 0 AS positive
FROM `core-proj.music.plays_v2`

### an operator mapping takes the qualifier on each column it reads
SELECT p.ms_played / 1000 AS seconds FROM `legacy-proj.music.plays_v1` p
>>>
SELECT (p.end_ms - p.start_ms) / 1000 AS seconds FROM `core-proj.music.plays_v2` p
