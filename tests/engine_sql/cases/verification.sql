campaign: typo

### a mapping to a column the new table lacks fails verification and is not applied
SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`;
SELECT user_id FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: rewrite could not be verified: duration_msec is not a column of core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT user_id, ms_played FROM `legacy-proj.music.plays_v1`;
SELECT user_id FROM `core-proj.music.plays_v2`
