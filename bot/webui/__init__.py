"""The web dashboard ``godwit serve`` shows next to its webhook intake: read-only campaign pages.

Modules: ``sessions`` (signed cookies, server-side sessions, the OAuth ``state``),
``oauth`` (GitHub's web flow and the access check with the person's token), ``reads``
(page data from the store), ``routes`` (the FastAPI router ``bot.web`` mounts).
"""
