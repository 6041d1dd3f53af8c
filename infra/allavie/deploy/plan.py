"""The stack as plain data, built offline: the packaged app with the rest of the
stack merged in, checked by cfn-lint, and the site built for an API URL.
``allavie plan`` stops here; ``allavie deploy`` sends what this made."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import build, cfn, site_build, template
from .context import Progress, Refused


@dataclass
class Plan:
    package: build.Package
    region: str

    def cloudformation(self, bucket: str, key: str, layer_key: str | None = None) -> dict[str, Any]:
        """Plain CloudFormation with the code at s3://bucket/key (and the photo layer's at ``layer_key``)."""
        sam = cfn.with_code(self.package.sam, bucket, key)
        if layer_key is not None:
            sam = template.photos.with_layer(sam, bucket, layer_key)
        return cfn.translate(sam, self.region)

    @property
    def template_path(self) -> Path:
        return self.package.directory.parent / "template.json"


def package(options: template.Options, region: str, progress: Progress, *, offline_ok: bool) -> Plan:
    package = build.package(options, region=region, allow_without_dependencies=offline_ok, progress=progress.note)
    progress.note(f"{len(package.functions)} functions: {', '.join(f.logical_id for f in package.functions)}; "
                  f"{build.size_line(package.zip_path, name='deployment.zip')}")
    return Plan(package, region)


def validate(plan: Plan, progress: Progress) -> None:
    """cfn-lint on the SAM template and on its translation; the translation is kept for reading."""
    translated = plan.cloudformation("artifacts-bucket", "code.zip")
    problems = cfn.lint(plan.package.sam, plan.region) + cfn.lint(translated, plan.region)
    if problems:
        raise Refused("cfn-lint found problems in the template:\n  " + "\n  ".join(problems))
    progress.note("cfn-lint: no errors, no warnings")
    plan.template_path.write_text(json.dumps(translated, indent=2), encoding="utf-8")


def build_site(out: Path, site_url: str, api_url: str) -> int:
    try:
        return site_build.build(out, api_url=api_url, site_url=site_url, clean=True)
    except site_build.SiteBuildError as error:
        raise Refused(f"mkdocs build failed:\n{error}") from None


def site_dir(options: template.Options) -> Path:
    return build.BUILD_DIR / options.stage / "site"
