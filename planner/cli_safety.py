"""`planner backup` and `planner restore`: argparse parsers and handlers for cli.py."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def _cli_error(message: str) -> Exception:
    from planner.cli import CliError

    return CliError(message)


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a verified backup of the workspace (into its backup folder, or to --to FILE)."""
    from planner.store import WorkspaceError, open_workspace
    from planner.store.backup import create_backup

    try:
        db = open_workspace(args.path, create=False, read_only=True)
        try:
            info = create_backup(db, to=args.to)
        finally:
            db.conn.close()
    except WorkspaceError as exc:
        raise _cli_error(str(exc)) from None
    print(f"backup written to {info.path} ({info.size_bytes / 1e6:.1f} MB, checked)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """List backups, or restore one (default: the newest good one) with an undo backup."""
    from planner.store import WorkspaceError
    from planner.store.backup import list_backups, restore

    backups = list_backups(args.path)
    if args.list:
        if not backups:
            print(f"{args.path} has no backups yet")
        for number, info in enumerate(backups, start=1):
            print(f"{number:>3}  {info.created:%Y-%m-%d %H:%M:%S}  {info.size_bytes / 1e6:8.1f} MB"
                  f"  {info.reason}  {info.path}")
        return 0
    chosen = args.backup
    if chosen is not None and chosen.isdigit() and not Path(chosen).exists():
        number = int(chosen)
        if not 1 <= number <= len(backups):
            raise _cli_error(f"there is no backup number {number}; "
                             f"`planner restore {args.path} --list` lists them")
        chosen = str(backups[number - 1].path)
    try:
        result = restore(args.path, chosen)
    except WorkspaceError as exc:
        raise _cli_error(str(exc)) from None
    print(f"restored {result.workspace} from {result.restored_from.path} "
          f"({result.restored_from.created:%Y-%m-%d %H:%M}, {result.restored_from.reason})")
    if result.undo_backup:
        print(f"the workspace as it was is saved as {result.undo_backup}; undo with "
              f"`planner restore {args.path} {result.undo_backup}`")
    if result.moved_aside:
        print(f"the damaged file that was there is kept as {result.moved_aside}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the backup and restore commands to ``subparsers``; returns their handlers by name."""
    p = subparsers.add_parser("backup", help="write a checked backup copy of a workspace")
    p.add_argument("path", help="the workspace file to back up")
    p.add_argument("--to", metavar="FILE",
                   help="write the backup to FILE (default: the workspace's backup folder)")

    p = subparsers.add_parser("restore", help="list backups, or restore one (undoable)")
    p.add_argument("path", help="the workspace file to restore")
    p.add_argument("backup", nargs="?", metavar="BACKUP",
                   help="backup file or its number in --list (default: the newest good one)")
    p.add_argument("--list", action="store_true", help="list the workspace's backups")
    return {"backup": cmd_backup, "restore": cmd_restore}

