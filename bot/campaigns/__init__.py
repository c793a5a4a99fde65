"""The pure campaign logic the GitHub App runs: commands, states, texts, dashboards.

The campaign definition itself (the document a person writes) is ``bot.spec``;
the GitHub-side flows that fetch, act and audit are ``bot.service``.
Nothing here reads the network, a database or the clock: the I/O layer passes
what it fetched (and ``now``) in and sends what comes back, so every decision
the App makes about commands, states, reviewers and text is testable alone.

- ``command_registry``: every ``/migrate`` command as one entry (where it applies, its
  arguments, the campaign states it applies in and leads to, whether it grows the campaign).
- ``commands``: ``parse_command(body, context)`` → ``Command | CommandError | None``.
- ``permissions``: ``may_run_campaign(author, bot, permission, authors)`` → ``bool`` and
  ``may_command(author, bot, permission, authors)`` → ``Decision``.
- ``scope``: ``in_scope(campaign, full_name, overrides)``; ``apply_scope_command``.
- ``events`` / ``states``: ``apply(target, event)`` folds webhook facts into a ``Target``
  whose ``state`` is derived; ``campaign_done(targets)``.
- ``lifecycle``: ``campaign_transition(state, action)`` for the campaign as a whole (its
  states are ``campaign_state``; commands' transitions come from the registry).
- ``batching``: ``next_cohort(campaign, targets, batch=...)``.
- ``pr``: branch, title, labels, commit message and body of a campaign PR.
- ``meta``: ``encode_meta`` / ``decode_meta``, the signed marker in a PR body, and
  ``refusal`` (why a verified marker may not be adopted for the PR it is in).
- ``mapping``: which mapping rows a plan used, per change.
- ``explain``: ``render_explain`` for ``/migrate explain``.
- ``owners``: ``reviewers_for(snapshot, changed, org=...)`` from CODEOWNERS or catalog-info.
- ``nudges``: ``due_for_nudge(target, now, stale_days)`` and its comment.
- ``dashboard``: ``render_dashboard``, ``replace_dashboard(body, dashboard)`` and
  ``progress_of(views)``, the progress counts every dashboard shows.
- ``board``: the web dashboard's rows (``board_row``), filters and sorting
  (``parse_query``, ``select_rows``) and ``waiting_for(rows, owner)``.
- ``burndown``: ``burndown(targets, start=..., today=...)`` by day and its SVG ``chart``.
- ``messages``: validation, plan and summary comments of the campaign issue.
"""
