"""A campaign with every kind of mapping a mutation can break: renames, sums, dates, structs."""

from __future__ import annotations

from bot.spec import Campaign, load_campaign

ORDERS_YAML = """\
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
    old_columns: [order_id, customer_id, country, sku, order_total, order_date, status]
    new_columns:
      order_id: STRING
      customer: STRUCT<id STRING, country STRING>
      item_sku: STRING
      subtotal: INT64
      shipping: INT64
      created_at: TIMESTAMP
      status: STRING
"""


def orders() -> Campaign:
    return load_campaign(ORDERS_YAML)
