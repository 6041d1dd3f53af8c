"""The operator's commands: each module has ``register(subparsers)`` and the
``run_*`` functions argparse calls; ``allavie.cli.COMMANDS`` lists them."""
