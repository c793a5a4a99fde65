"""``godwit demo``: a whole campaign, start to finish, against a GitHub sandbox on loopback.

``stack`` runs the sandbox and Godwit together, ``idle`` tells when both have settled,
``world`` seeds the organisation, ``story`` plays the people, ``outcome`` reads the result
back from GitHub and the store, ``narration`` prints it.
"""
