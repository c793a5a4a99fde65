campaign: new-schema-only

### a column absent from new_columns needs a person
SELECT user_id, device_id FROM `legacy-proj.music.plays_v1`
>>>
-- godwit: device_id has no equivalent in core-proj.music.plays_v2; see https://wiki.example.com/migrations/plays-v2
SELECT user_id, device_id FROM `legacy-proj.music.plays_v1`

### the nested field mapping is checked against its top-level column
SELECT country FROM `legacy-proj.music.plays_v1`
>>>
SELECT geo.country_code AS country FROM `core-proj.music.plays_v2`
