{{ config(
    materialized='incremental',
    partition_by={'field': 'played_date', 'data_type': 'date'},
    on_schema_change='fail'
) }}

-- Cleaned plays: one row per play of at least 30 seconds.
select
    user_id,
    track_uri,
    ms_played,
    played_date,
    lower(country) as country,
    platform
from {{ source('music', 'plays_v1') }}
where ms_played >= 30000
{% if is_incremental() %}
    -- only days not loaded yet
    and played_date > (select max(played_date) from {{ this }})
{% endif %}
