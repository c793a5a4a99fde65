"""The web dashboard ``godwit serve`` shows next to its webhook intake: read-only campaign pages.

Modules: ``sessions`` (signed cookies, server-side sessions, the OAuth ``state``),
``oauth`` (GitHub's web flow and the access check with the person's token), ``signin``
(the sign-in and sign-out routes), ``reads`` (page data from the store), ``routes``
(the campaign pages and the router ``bot.web`` mounts).
"""
