"""What the deploy's steps share: the refusal, the progress lines, and the
AWS account, region and stack they work on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .. import aws, template

PROTECTED_STAGES = ("prod",)


class Refused(RuntimeError):
    """A precondition is not met; the message tells the operator what to do."""


class Progress:
    """Numbered steps, flushed at once so the operator sees where it is."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.current = 0

    def step(self, text: str) -> None:
        self.current += 1
        print(f"[{self.current}/{self.total}] {text}", flush=True)

    def note(self, text: str) -> None:
        print(f"      {text}", flush=True)


@dataclass
class Context:
    options: template.Options
    region: str
    session: Any
    account: str = ""
    stack: dict[str, Any] | None = None
    missing_secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def client(self, service: str) -> Any:
        return aws.client(self.session, service)

    @property
    def stack_name(self) -> str:
        return template.stack_name(self.options.stage)


def describe_stack(cf: Any, name: str) -> dict[str, Any] | None:
    try:
        stacks = cf.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return stacks[0] if stacks else None


def outputs_of(stack: dict[str, Any] | None) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in (stack or {}).get("Outputs", [])}
