"""Operator tooling: the local stack, deployment, retention and rights commands.

Nothing here is deployed to Lambda; the runtime lives in ``functions/``.

    cli.py        the ``allavie`` command; commands/ has one module per group
    commands/     dev, plan/deploy/destroy, ledger, rights, retention (argparse and run_*)
    deploy/       the deploy pipeline: plan, then execute (prerequisites, artifacts, stack, site)
    template/     the CloudFormation merged into chalice's: table, functions and IAM, site and CDN
    local/        the local servers and ``allavie dev``
    build.py      chalice package, the slimmed deployment.zip
    cfn.py        cfn-lint and the SAM translation, offline
    site_build.py the MkDocs build and the local server of a build
    aws.py        every boto3 client of the commands
    domain.py     the one import of the Lambda's domain (chalicelib)
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
