### quoted as a whole
SELECT user_id FROM `legacy-proj.music.plays_v1`
>>>
SELECT user_id FROM `core-proj.music.plays_v2`

### quoted per part
SELECT user_id FROM `legacy-proj`.`music`.`plays_v1` AS p
>>>
SELECT user_id FROM `core-proj`.`music`.`plays_v2` AS p

### only the project quoted
SELECT user_id FROM `legacy-proj`.music.plays_v1
>>>
SELECT user_id FROM `core-proj`.music.plays_v2

### not quoted at all, with a dashed project
SELECT user_id FROM legacy-proj.music.plays_v1
>>>
SELECT user_id FROM core-proj.music.plays_v2

### dataset and table quoted as a whole, project omitted: written fully qualified
SELECT user_id FROM `music.plays_v1`
>>>
SELECT user_id FROM `core-proj.music.plays_v2`

### a bare table name needs a person
SELECT user_id FROM plays_v1
>>>
-- godwit: plays_v1 has no dataset: check whether it means legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT user_id FROM plays_v1

### a wildcard table needs a person
SELECT COUNT(*) FROM `legacy-proj.music.plays_v*` WHERE _TABLE_SUFFIX = '1'
>>>
-- godwit: wildcard table legacy-proj.music.plays_v* includes legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT COUNT(*) FROM `legacy-proj.music.plays_v*` WHERE _TABLE_SUFFIX = '1'

### a partition decorator needs a person
SELECT user_id FROM `legacy-proj.music.plays_v1$20240101`
>>>
-- godwit: legacy-proj.music.plays_v1$20240101 reads a partition or snapshot of legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT user_id FROM `legacy-proj.music.plays_v1$20240101`

### longer names are other tables
SELECT user_id FROM `legacy-proj.music.plays_v10` JOIN legacy-proj.music.plays_v1_backup USING (user_id)
>>>
SELECT user_id FROM `legacy-proj.music.plays_v10` JOIN legacy-proj.music.plays_v1_backup USING (user_id)

### dynamic SQL needs a person
EXECUTE IMMEDIATE 'SELECT ms_played FROM `legacy-proj.music.plays_v1`'
>>>
-- godwit: EXECUTE IMMEDIATE builds SQL at run time that may read legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
EXECUTE IMMEDIATE 'SELECT ms_played FROM `legacy-proj.music.plays_v1`'

### writing to the old table needs a person
DELETE FROM `legacy-proj.music.plays_v1` WHERE played_date < '2020-01-01'
>>>
-- godwit: writes to legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
DELETE FROM `legacy-proj.music.plays_v1` WHERE played_date < '2020-01-01'

### time travel reads the old table's history
SELECT user_id FROM `legacy-proj.music.plays_v1` FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01'
>>>
-- godwit: FOR SYSTEM_TIME AS OF reads the history of legacy-proj.music.plays_v1; see https://wiki.example.com/migrations/plays-v2
SELECT user_id FROM `legacy-proj.music.plays_v1` FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01'
