"""How ``godwit --help`` shows arguments and options: as people type them.

typer labels parameters with their Python types (``{campaign_path}``,
``<list[Path]>``, ``<bool>``), which tell a newcomer nothing about what to type.
The group below gives every command, whichever family registered it, the same
treatment in one place: arguments by their metavar (``CAMPAIGN REPO...``), values
by click's type names (``INTEGER``, ``PATH``) unless a metavar says better, flags
bare, and the group's ``--version`` on every command.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import typer
from typer import _click as click  # typer vendors click: its own types, not the package's
from typer.core import TyperArgument, TyperGroup, TyperOption

HELP_OPTION_NAMES = ["-h", "--help"]
VERSION_OPTION = "--version"


def godwit_version() -> str:
    try:
        return version("godwit")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def show_version(value: bool) -> None:
    """The eager ``--version`` callback: print and stop before any command runs."""
    if value:
        typer.echo(f"godwit {godwit_version()}")
        raise typer.Exit()


class NamedArgument(TyperArgument):
    """An argument shown by name (``REPO...``), never by its Python type."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar if self.metavar is not None else (self.name or "ARG").upper()

    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


class NamedOption(TyperOption):
    """An option shown with its metavar or click's type name; a flag with nothing."""

    def display_type_rich(self, ctx: click.Context) -> str | None:
        if self.is_flag:
            return None
        if self.metavar is not None:
            return self.metavar
        label = self.display_type(ctx).strip("<>")
        if "|" in label:  # choices, shown as they are typed
            return label
        word = label.split()[0]  # "int range": the range is shown beside it
        return _TYPE_NAMES.get(word, word.upper())


_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER"}


def name_parameters(
    command: click.Command, ctx: click.Context, version_option: click.Parameter | None
) -> None:
    """Give ``command``'s parameters the shapes above, and the group's ``--version``."""
    for param in [*command.params, command.get_help_option(ctx)]:
        if type(param) is TyperArgument:
            param.__class__ = NamedArgument
        elif type(param) is TyperOption:
            param.__class__ = NamedOption
    if version_option is not None and version_option not in command.params:
        command.params.append(version_option)


class GodwitGroup(TyperGroup):
    """The ``godwit`` group: each command's parameters named as above on first use."""

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)  # type: ignore[arg-type]
        self._named: set[str] = set()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if "" not in self._named:
            name_parameters(self, ctx, None)
            self._named.add("")
        command = super().get_command(ctx, cmd_name)
        if command is not None and cmd_name not in self._named:
            name_parameters(command, ctx, self._version_option())
            self._named.add(cmd_name)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if "" not in self._named:
            name_parameters(self, ctx, None)
            self._named.add("")
        super().format_help(ctx, formatter)

    def _version_option(self) -> click.Parameter | None:
        return next((p for p in self.params if VERSION_OPTION in p.opts), None)
