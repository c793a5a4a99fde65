select
    user_id,
    signup_date,
    country as signup_country
from {{ source('music', 'users') }}
where not is_test_account
