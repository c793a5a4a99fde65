{{ config(materialized='table') }}

-- Platform mix per week, read straight from the raw plays
-- (stg_plays drops skips, which this report needs).
select
    date_trunc(played_date, week(monday)) as week,
    platform,
    count(*) as plays,
    sum(ms_played) as ms_played
from {{ source('music', 'plays_v1') }}
group by 1, 2
