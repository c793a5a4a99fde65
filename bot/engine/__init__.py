"""The migration engine: pure functions from (campaign, repository snapshot) to plan and changes.

Entry point: :func:`bot.engine.planner.plan_repository`.
"""
