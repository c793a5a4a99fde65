"""APIs no table migration needs, refused in any code an agent edit adds: the one list.

A migration changes which table code reads and which fields it takes from the
rows; it never starts processes, opens connections, reflects, writes files or
reads the environment. Names are matched on the syntax tree's identifiers (and
``a.b`` pairs), so a comment or a string that mentions them is not code.
"""

from __future__ import annotations

from collections.abc import Iterable

DENIED_APIS: dict[str, frozenset[str]] = {
    "process execution": frozenset(
        {"Process", "ProcessBuilder", "Runtime.getRuntime", "sys.process", "exec", "!", "!!",
         "lineStream", "ProcessLogger", "Seq.!", "Runtime"}
    ),
    "network": frozenset(
        {"URL", "URI.create", "HttpClient", "HttpURLConnection", "Socket", "ServerSocket",
         "java.net", "okhttp3", "Source.fromURL", "openConnection", "HttpRequest"}
    ),
    "reflection": frozenset(
        {"Class.forName", "getDeclaredMethod", "getDeclaredField", "getMethod", "setAccessible",
         "java.lang.reflect", "scala.reflect.runtime", "universe", "ToolBox", "invoke",
         "MethodHandles"}
    ),
    "file system writes": frozenset(
        {"FileWriter", "FileOutputStream", "PrintWriter", "Files.write", "Files.writeString",
         "Files.delete", "Files.deleteIfExists", "Files.move", "Files.copy", "Files.createFile",
         "RandomAccessFile", "BufferedWriter", "deleteOnExit", "delete", "os.write",
         "os.remove"}
    ),
    "environment": frozenset(
        {"sys.env", "System.getenv", "System.getProperty", "System.setProperty", "sys.props",
         "System.exit", "sys.exit", "getenv", "System.getProperties"}
    ),
}  # fmt: skip
"""Category -> names; a dotted name matches an identifier followed by ``.`` and a member."""


def denied_category(names: Iterable[str]) -> tuple[str, str] | None:
    """The first (category, name) of ``names`` (identifiers and ``a.b`` pairs) that is denied."""
    for name in names:
        for category, denied in DENIED_APIS.items():
            if name in denied:
                return category, name
    return None
