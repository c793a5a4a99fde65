campaign: sessions
### USING a field of an UNNEST element is not a column of the old table
SELECT p.user_id, device, d.device_name
FROM `legacy-proj.music.plays_v1` AS p, UNNEST(p.sessions) AS s
JOIN `core-proj.music.devices` AS d USING (device)
WHERE p.ms_played > 0
>>>
SELECT p.user_id, device, d.device_name
FROM `core-proj.music.plays_v2` AS p, UNNEST(p.sessions) AS s
JOIN `core-proj.music.devices` AS d USING (device)
WHERE p.duration_ms > 0

### USING a renamed column of the old table next to an UNNEST still needs a person
SELECT p.user_id, t.title
FROM `legacy-proj.music.plays_v1` AS p, UNNEST(p.sessions) AS s
JOIN `core-proj.music.tracks` AS t USING (track_uri)
>>>
-- godwit: USING (track_uri) joins on a renamed column; see https://wiki.example.com/migrations/plays-v2
SELECT p.user_id, t.title
FROM `legacy-proj.music.plays_v1` AS p, UNNEST(p.sessions) AS s
JOIN `core-proj.music.tracks` AS t USING (track_uri)
