"""The migration engine: pure functions from (campaign, repository snapshot) to a plan and changes."""
