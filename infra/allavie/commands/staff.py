"""``allavie staff``: the operator's part of the back office.

    allavie staff reindex [--local]              # once after upgrading: search terms, calendar keys (staff.upgrade)
    allavie staff reset-code --staff ID [--local]  # a member lost their authenticator: the next link enrols again
"""

from __future__ import annotations

import argparse

from . import table


def run_reindex(args: argparse.Namespace) -> int:
    from ..domain import clock, db, staff_upgrade

    db.bind()
    done = staff_upgrade.backfill(clock.now())
    print(f"{done.customers} customers, {done.terms} search terms written, "
          f"{done.bookings} bookings moved to the calendar keys")
    return 0


def run_reset(args: argparse.Namespace) -> int:
    from ..domain import clinic, db, staff_signin

    if clinic.current().staff_member(args.staff) is None:
        print(f"allavie staff reset-code: no staff member {args.staff!r} in the clinic file")
        return 1
    db.bind()
    done = staff_signin.reset(args.staff)
    print(f"{args.staff}: " + ("enrolment removed; their next sign-in link enrols a new authenticator" if done
                               else "had no enrolment"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("staff", help="the back office: the customers' search index, a lost authenticator")
    actions = parser.add_subparsers(dest="action", required=True)
    reindex = actions.add_parser("reindex",
                                 help="once after upgrading: every customer's search terms, every booking's calendar keys")
    table.add_local_switch(reindex)
    reindex.set_defaults(func=table.reads_the_table(run_reindex))
    reset = actions.add_parser("reset-code", help="remove a member's authenticator enrolment (a lost phone)")
    reset.add_argument("--staff", required=True, help="the member's id in the clinic file, e.g. anna")
    table.add_local_switch(reset)
    reset.set_defaults(func=table.reads_the_table(run_reset))
