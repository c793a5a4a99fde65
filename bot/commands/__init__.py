"""Command families of the ``godwit`` CLI, one module each."""
