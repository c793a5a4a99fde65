"""The I/O side of campaigns: handlers and jobs call these flows, which call GitHub and the store.

The decisions themselves live in the pure ``bot.campaigns`` package; the
modules here fetch what those decisions need, act on the answer and audit it.
"""
