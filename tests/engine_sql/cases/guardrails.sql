### a column mapped to null
SELECT user_id, is_premium FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT user_id, is_premium FROM `legacy-proj.music.plays_v1`

### an unqualified changed column with two candidate tables
SELECT ms_played
FROM `legacy-proj.music.plays_v1` a
JOIN `legacy-proj.music.plays_v1` b USING (user_id)
>>>
-- godwit: owner of ms_played cannot be decided; see https://wiki.example.com/migrations/plays-v2
SELECT ms_played
FROM `legacy-proj.music.plays_v1` a
JOIN `legacy-proj.music.plays_v1` b USING (user_id)

### USING a renamed column
SELECT p.user_id FROM `legacy-proj.music.plays_v1` p JOIN `core-proj.music.likes` l USING (track_uri)
>>>
-- godwit: USING (track_uri) joins on a renamed column; see https://wiki.example.com/migrations/plays-v2
SELECT p.user_id FROM `legacy-proj.music.plays_v1` p JOIN `core-proj.music.likes` l USING (track_uri)

### a guarded statement stays guarded on a second run without a second comment
-- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT is_premium FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT is_premium FROM `legacy-proj.music.plays_v1`

### a guardrail an earlier version worded differently is left as it is
-- godwit: column is_premium cannot be mapped to core-proj.music.plays_v2 (https://wiki.example.com/migrations/plays-v2)
SELECT is_premium FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: column is_premium cannot be mapped to core-proj.music.plays_v2 (https://wiki.example.com/migrations/plays-v2)
SELECT is_premium FROM `legacy-proj.music.plays_v1`

### another campaign's guardrail is kept and this campaign's goes below it
-- godwit: country_code is retired; see https://wiki.example.com/migrations/geo-v3
SELECT is_premium FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: country_code is retired; see https://wiki.example.com/migrations/geo-v3
-- godwit: is_premium has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT is_premium FROM `legacy-proj.music.plays_v1`

### a table alias used as a value reads whole rows
SELECT TO_JSON_STRING(p) FROM `legacy-proj.music.plays_v1` p
>>>
-- godwit: p reads whole rows of legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT TO_JSON_STRING(p) FROM `legacy-proj.music.plays_v1` p


### two tables under one name
SELECT user_id FROM music.plays_v1 JOIN `legacy-proj.music.plays_v1` USING (user_id)
>>>
-- godwit: the statement uses a table alias twice (Alias already used: plays_v1); see https://wiki.example.com/migrations/plays-v2
SELECT user_id FROM music.plays_v1 JOIN `legacy-proj.music.plays_v1` USING (user_id)
