campaign: no-schema

### without old_columns an unqualified changed column in a join cannot be placed
SELECT t.title, ms_played
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
-- godwit: owner of ms_played cannot be decided; see https://wiki.example.com/migrations/plays-v2
SELECT t.title, ms_played
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri

### without old_columns a star reaching the output cannot be expanded
SELECT * FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: SELECT * over legacy-proj.music.plays_v1 reaches the output and old_columns is not given; see https://wiki.example.com/migrations/plays-v2
SELECT * FROM `legacy-proj.music.plays_v1`

### without new_columns an unlisted column keeps its name
SELECT user_id, device FROM `legacy-proj.music.plays_v1`
>>>
SELECT user_id, device FROM `core-proj.music.plays_v2`

### without old_columns a name a mapping brings into a join cannot be placed
SELECT title, track_id
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri
>>>
-- godwit: track_id would become ambiguous once legacy-proj.music.plays_v1 is core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT title, track_id
FROM `legacy-proj.music.plays_v1` p
JOIN `core-proj.music.tracks` t ON t.track_id = p.track_uri

### a table alias used as a value reads whole rows, whatever the schema
SELECT TO_JSON_STRING(p) AS row_json FROM `legacy-proj.music.plays_v1` p
>>>
-- godwit: p reads whole rows of legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT TO_JSON_STRING(p) AS row_json FROM `legacy-proj.music.plays_v1` p
