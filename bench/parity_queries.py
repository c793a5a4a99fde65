"""A fleet of realistic BigQuery queries for the parity benchmark, over two campaigns.

Written for this benchmark in the style of public BigQuery analytics code:
CTE pipelines, ``UNNEST`` of repeated fields, ``QUALIFY`` windows, ``COUNTIF``
and ``SAFE_DIVIDE`` metrics, dimension joins, query parameters, ``INSERT`` and
``CREATE TABLE AS`` jobs, ordinal ``GROUP BY``. Each query reads an old table;
the engine rewrites it, parity proves the rewrite, and the benchmark mutates it.
"""

from __future__ import annotations

PLAYS = "`legacy-proj.music.plays_v1`"
ORDERS = "`shop-proj.sales.orders_v1`"

ORDERS_CAMPAIGN = """\
id: orders-v2
title: Move consumers of orders_v1 to orders_v2
guide: https://wiki.example.com/migrations/orders-v2
tables:
  - old: shop-proj.sales.orders_v1
    new: shop-proj.sales.orders_v2
    columns:
      sku: item_sku
      order_total: subtotal + shipping
      order_date: DATE(created_at)
      customer_id: customer.id
      country: customer.country
      discount: COALESCE(discount_cents, 0)
    old_columns: [order_id, customer_id, country, sku, quantity, order_total, discount,
                  order_date, status, tags]
    new_columns:
      order_id: STRING
      customer: STRUCT<id STRING, country STRING>
      item_sku: STRING
      quantity: INT64
      subtotal: INT64
      shipping: INT64
      discount_cents: INT64
      created_at: TIMESTAMP
      status: STRING
      tags: ARRAY<STRING>
"""

PLAYS_QUERIES = [
    f"""SELECT country, COUNT(DISTINCT user_id) AS listeners
FROM {PLAYS}
WHERE played_date = @run_date
GROUP BY country""",
    f"""SELECT p.user_id, SUM(p.ms_played) / 60000 AS minutes
FROM {PLAYS} AS p
WHERE p.platform IN ('ios', 'android') AND p.ms_played >= 30000
GROUP BY p.user_id
HAVING SUM(p.ms_played) > 60000""",
    f"""WITH daily AS (
  SELECT played_date, track_uri, COUNT(*) AS plays
  FROM {PLAYS}
  WHERE played_date BETWEEN @start_date AND @end_date
  GROUP BY played_date, track_uri
)
SELECT played_date, track_uri, plays
FROM daily
QUALIFY ROW_NUMBER() OVER (PARTITION BY played_date ORDER BY plays DESC, track_uri) <= 3""",
    f"""SELECT
  DATE_TRUNC(played_date, MONTH) AS month,
  COUNTIF(ms_played < 30000) AS skips,
  SAFE_DIVIDE(COUNTIF(ms_played < 30000), COUNT(*)) AS skip_rate
FROM {PLAYS}
GROUP BY month""",
    f"""SELECT t.title, COUNT(*) AS plays
FROM {PLAYS} AS p
JOIN `core-proj.music.tracks` AS t ON t.track_id = p.track_uri
WHERE p.country = 'us'
GROUP BY t.title""",
    f"""SELECT a.account_type, p.platform, SUM(p.ms_played) AS ms
FROM {PLAYS} p
LEFT JOIN `core-proj.users.accounts` a ON a.user_id = p.user_id
GROUP BY 1, 2""",
    f"""SELECT user_id, track_uri, played_date
FROM {PLAYS}
WHERE user_id IN (SELECT user_id FROM `core-proj.users.accounts` WHERE is_staff)
  AND played_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)""",
    f"""SELECT
  CASE WHEN ms_played >= 60000 THEN 'long' WHEN ms_played >= 30000 THEN 'short' ELSE 'skip' END
    AS bucket,
  COUNT(*) AS plays
FROM {PLAYS}
GROUP BY bucket""",
    f"""INSERT INTO `analytics-proj.reports.country_day` (played_date, country, plays)
SELECT played_date, country, COUNT(*) AS plays
FROM {PLAYS}
WHERE played_date = DATE_SUB(@run_date, INTERVAL 1 DAY)
GROUP BY played_date, country""",
    f"""CREATE OR REPLACE TABLE `analytics-proj.reports.first_plays` AS
SELECT user_id, MIN(played_date) AS first_played
FROM {PLAYS}
GROUP BY user_id""",
    f"""SELECT played_date, platform, COUNT(*) AS plays FROM {PLAYS} WHERE country IS NOT NULL
GROUP BY played_date, platform
UNION ALL
SELECT played_date, 'all' AS platform, COUNT(*) AS plays FROM {PLAYS}
GROUP BY played_date""",
    f"""SELECT * EXCEPT (is_premium)
FROM {PLAYS}
WHERE played_date = @run_date""",
    f"""SELECT user_id, LOWER(country) AS country_code, MAX(ms_played) AS longest
FROM {PLAYS}
WHERE NOT (platform = 'web')
GROUP BY user_id, country_code""",
    f"""SELECT user_id,
  ARRAY_AGG(DISTINCT track_uri IGNORE NULLS ORDER BY track_uri) AS tracks
FROM {PLAYS}
GROUP BY user_id""",
    f"""SELECT p.track_uri, COUNT(*) AS plays
FROM {PLAYS} AS p
WHERE EXISTS (
  SELECT 1 FROM `core-proj.music.playlists` AS l WHERE l.track_id = p.track_uri
)
GROUP BY p.track_uri""",
    f"""SELECT COUNT(country) AS with_country, COUNT(*) AS total
FROM {PLAYS}
WHERE played_date >= '2024-01-01'""",
    f"""SELECT played_date,
  SUM(ms_played) OVER (PARTITION BY user_id ORDER BY played_date
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_ms
FROM {PLAYS}""",
    f"""SELECT IFNULL(country, 'unknown') AS country, COUNT(*) AS plays
FROM {PLAYS}
GROUP BY 1
ORDER BY plays DESC""",
]

ORDERS_QUERIES = [
    f"""SELECT order_date, SUM(order_total) AS revenue, SUM(discount) AS discounts
FROM {ORDERS}
WHERE status = 'complete'
GROUP BY order_date""",
    f"""SELECT customer_id, COUNT(*) AS orders, AVG(order_total) AS basket
FROM {ORDERS}
GROUP BY customer_id
HAVING COUNT(*) > 1""",
    f"""SELECT order_id, order_total * 1.2 AS gross, order_total - discount AS net
FROM {ORDERS}
WHERE order_date = @day""",
    f"""SELECT o.order_id, c.segment, o.order_total
FROM {ORDERS} AS o
JOIN `shop-proj.crm.customers` AS c ON c.id = o.customer_id
WHERE c.segment != 'test'""",
    f"""SELECT country, tag, COUNT(*) AS orders
FROM {ORDERS}, UNNEST(tags) AS tag
GROUP BY country, tag""",
    f"""WITH ranked AS (
  SELECT customer_id, order_id, order_total,
    ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_total DESC, order_id) AS rn
  FROM {ORDERS}
)
SELECT customer_id, order_id, order_total FROM ranked WHERE rn = 1""",
    f"""SELECT sku, SUM(quantity) AS units, SUM(order_total) / SUM(quantity) AS unit_price
FROM {ORDERS}
WHERE quantity > 0
GROUP BY sku""",
    f"""SELECT o.sku, p.category, SUM(o.quantity) AS units
FROM {ORDERS} o
JOIN `shop-proj.catalog.products` p ON p.sku = o.sku
GROUP BY o.sku, p.category""",
    f"""SELECT DATE_TRUNC(order_date, WEEK) AS week, COUNTIF(discount > 0) AS discounted,
  SAFE_DIVIDE(SUM(discount), SUM(order_total)) AS discount_share
FROM {ORDERS}
GROUP BY week""",
    f"""SELECT order_id FROM {ORDERS}
WHERE order_total BETWEEN 10 AND 100 AND country IN ('us', 'it')""",
    f"""INSERT INTO `shop-proj.marts.daily_sales` (order_date, country, revenue)
SELECT order_date, country, SUM(order_total) AS revenue
FROM {ORDERS}
WHERE order_date = @run_date
GROUP BY order_date, country""",
    f"""SELECT status, COUNT(DISTINCT customer_id) AS customers, MAX(order_total) AS biggest
FROM {ORDERS}
GROUP BY status
ORDER BY customers DESC""",
    f"""SELECT order_id, ARRAY_LENGTH(tags) AS tag_count, order_total
FROM {ORDERS}
WHERE 'gift' IN UNNEST(tags)""",
    f"""SELECT country, COUNT(*) AS orders FROM {ORDERS}
WHERE customer_id NOT IN (SELECT id FROM `shop-proj.crm.blocked`)
GROUP BY country""",
    f"""SELECT customer_id, order_date,
  LAG(order_date) OVER (PARTITION BY customer_id ORDER BY order_date, order_id) AS previous
FROM {ORDERS}""",
    f"""SELECT COALESCE(country, 'n/a') AS country, SUM(order_total) AS revenue
FROM {ORDERS}
WHERE order_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY 1""",
]
