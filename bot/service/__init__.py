"""The GitHub-side flows of campaigns: handlers and jobs call these, they call GitHub and the store.

The decisions themselves live in the pure campaign logic, ``bot.campaigns``, and the
campaign definition in ``bot.spec``; the modules here fetch what those decisions need,
act on the answer and audit it.
"""
