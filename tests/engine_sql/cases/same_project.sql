campaign: same-project

### a reference without project keeps omitting it when the project stays
SELECT a.ms_played FROM music.plays_v1 a JOIN `music`.`plays_v1` AS b USING (user_id)
>>>
SELECT a.duration_ms AS ms_played FROM core.plays_v2 a JOIN `core`.`plays_v2` AS b USING (user_id)

### a fully qualified reference stays fully qualified
SELECT ms_played FROM `legacy-proj.music.plays_v1`
>>>
SELECT duration_ms AS ms_played FROM `legacy-proj.core.plays_v2`
