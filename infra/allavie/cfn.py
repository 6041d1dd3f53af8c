"""Offline checks and translation of the template: cfn-lint and the SAM transform.

The SAM part is translated here, with aws-sam-translator, rather than by
CloudFormation: the stack then receives plain CloudFormation, the same
template on AWS and on the emulator, and nothing is left to a server-side
macro (no CAPABILITY_AUTO_EXPAND).
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import boto3

Json = dict[str, Any]


def lint(tmpl: Json, region: str) -> list[str]:
    """cfn-lint's findings (errors and warnings; informational ones left out)."""
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint as cfn_lint

    matches = cfn_lint(json.dumps(tmpl), config=ManualArgs(regions=[region]))
    return [
        f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path) if getattr(m, 'path', None) else m.linenumber})"
        for m in matches
        if m.rule.id[0] in "EW"
    ]


def with_code(sam: Json, bucket: str, key: str) -> Json:
    """The SAM template with every function's code at s3://bucket/key."""
    out = copy.deepcopy(sam)
    for resource in out["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": key}
    return out


def translate(sam: Json, region: str) -> Json:
    """Plain CloudFormation from the SAM template, offline."""
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    # Every function has its own role, so no managed policy is looked up.
    translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name=region))
    translated = translator.translate(copy.deepcopy(sam), parameter_values={}, get_managed_policy_map=dict)
    translator.metrics.publish()  # to its dummy publisher; else it warns when collected
    return translated


EMULATOR_UNSUPPORTED = ("AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage")


def for_emulator(tmpl: Json) -> tuple[Json, list[str]]:
    """What moto's CloudFormation can create: it builds no methods from a RestApi's
    Body, so no deployment or stage either, and it wants the RestApi's Name.
    Returns the template and the logical ids left out."""
    out = copy.deepcopy(tmpl)
    left_out = sorted(k for k, r in out["Resources"].items() if r.get("Type") in EMULATOR_UNSUPPORTED)
    for logical_id in left_out:
        del out["Resources"][logical_id]
    for resource in out["Resources"].values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::ApiGateway::RestApi" and "Name" not in props:
            props["Name"] = props.get("Body", {}).get("info", {}).get("title", "api")
    return out, left_out


def summary(tmpl: Json) -> list[str]:
    """One line per resource type: how many, and their names."""
    by_type: dict[str, list[str]] = {}
    for logical_id, resource in tmpl.get("Resources", {}).items():
        by_type.setdefault(resource.get("Type", "?"), []).append(logical_id)
    counts = Counter({kind: len(ids) for kind, ids in by_type.items()})
    return [f"{kind:<40} {n:>2}  {', '.join(sorted(by_type[kind]))}" for kind, n in sorted(counts.items())]
