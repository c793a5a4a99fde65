-- Daily listening per country; everything comes from stg_plays.
select
    p.played_date,
    p.country,
    count(*) as plays,
    count(distinct p.user_id) as listeners,
    round(sum(p.ms_played) / 60000, 1) as minutes_played,
    countif(u.signup_country != p.country) as plays_abroad
from {{ ref('stg_plays') }} as p
left join {{ ref('stg_users') }} as u
    on u.user_id = p.user_id
group by p.played_date, p.country
