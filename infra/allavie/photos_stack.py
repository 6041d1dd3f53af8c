"""The photo bucket and its function in the stack (merged by ``template.merge_template``).

- ``PhotoBucket``: private (public access blocked, owner-enforced), encrypted, TLS only, CORS for
  the site's origin alone (POST of an upload), a lifecycle rule that removes unprocessed uploads
  after a day, and the ObjectCreated notification under ``uploads/`` to ``ProcessPhoto``.
- ``ProcessPhoto`` (chalice's ``process_photo``): its own least-privilege role (read and delete
  uploads, write clean copies, update a photo's item) and its own layer ``PhotoLibraries``
  (Pillow, pillow-heif from functions/photo-requirements.txt), so the API function's package
  carries neither; the API function's role may presign (put uploads, get clean copies), delete
  and list a customer's objects, as may the sweeper and the TTL cascade (erasure by prefix).

The bucket's name is fixed from stage and account (not a Ref), so that the functions' roles and
environment, the invoke permission and the bucket's notification form no cycle.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import FUNCTIONS

Json = dict[str, Any]
PROCESS_FUNCTION = "ProcessPhoto"
ERASES_PHOTOS = ("APIHandler", "CascadeTtlDeletions", "SweepExpired")  # presign, erase, end of retention
LAYER = "PhotoLibraries"
LAYER_REQUIREMENTS = FUNCTIONS / "photo-requirements.txt"
UNPROCESSED_DAYS = 1
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
EMULATOR_SKIPS = ("PhotoBucket", "PhotoBucketPolicy", "PhotoBucketInvokesProcessing", "PhotoLibraries")
EMULATOR_BUCKET_PARTS = ("CorsConfiguration", "NotificationConfiguration")


def bucket_name(stage: str) -> Json:
    return {"Fn::Sub": f"allavie-{stage}-photos-${{AWS::AccountId}}"}


def origin(stage: str) -> str:
    """The bucket's regional origin as a ``Fn::Sub`` text: what the CSP allows and boto3 presigns for."""
    return f"https://allavie-{stage}-photos-${{AWS::AccountId}}.s3.${{AWS::Region}}.amazonaws.com"


def _bucket_arn(stage: str, path: str = "") -> Json:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::allavie-{stage}-photos-${{AWS::AccountId}}{path}"}


def resources(stage: str, *, emulator: bool = False) -> Json:
    made: Json = {
        "PhotoBucket": {
            "Type": "AWS::S3::Bucket",
            "DependsOn": ["PhotoBucketInvokesProcessing"],
            "Properties": {
                "BucketName": bucket_name(stage),
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
                # No rule until the site's address is known (the first deploy sets it, then deploys again).
                "CorsConfiguration": {"Fn::If": ["HasSiteUrl", {"CorsRules": [{
                    "AllowedOrigins": [{"Ref": "SiteUrl"}], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"],
                    "ExposedHeaders": ["ETag"], "MaxAge": 600}]}, {"Ref": "AWS::NoValue"}]},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "UnprocessedUploads", "Status": "Enabled", "Prefix": "uploads/",
                    "ExpirationInDays": UNPROCESSED_DAYS,
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": UNPROCESSED_DAYS},
                }]},
                "NotificationConfiguration": {"LambdaConfigurations": [{
                    "Event": "s3:ObjectCreated:*",
                    "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "uploads/"}]}},
                    "Function": {"Fn::GetAtt": [PROCESS_FUNCTION, "Arn"]},
                }]},
                "Tags": [{"Key": "app", "Value": "allavie"}, {"Key": "stage", "Value": stage},
                         {"Key": "data", "Value": "personal"}],
            },
        },
        "PhotoBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": "PhotoBucket"}, "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [_bucket_arn(stage), _bucket_arn(stage, "/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }],
            }},
        },
        "PhotoBucketInvokesProcessing": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Fn::GetAtt": [PROCESS_FUNCTION, "Arn"]},
                "Principal": "s3.amazonaws.com",
                "SourceArn": _bucket_arn(stage),
                "SourceAccount": {"Ref": "AWS::AccountId"},
            },
        },
        LAYER: {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "LayerName": f"allavie-{stage}-photo-libraries",
                "Description": "Pillow and pillow-heif, for the photo-processing function only",
                "ContentUri": {"Bucket": "artifacts-bucket", "Key": "photo-layer.zip"},  # with_layer: the uploaded zip
                "CompatibleRuntimes": [f"python{PYTHON}"],
                "RetentionPolicy": "Delete",
            },
        },
    }
    if emulator:
        for name in EMULATOR_SKIPS:
            made.pop(name)
        # moto's CloudFormation fails to update a bucket's CORS and notification (and S3 cannot notify
        # Lambda there anyway): the emulator gets the bare private bucket; the template tests check the rest.
        for part in EMULATOR_BUCKET_PARTS:
            made["PhotoBucket"]["Properties"].pop(part)
    return made


def conditions(resources_: Json) -> Json:
    """The template's ``Conditions`` the bucket's CORS rule needs (none when it has none: the emulator)."""
    bucket = resources_.get("PhotoBucket", {}).get("Properties", {})
    if "CorsConfiguration" not in bucket:
        return {}
    return {"Conditions": {"HasSiteUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteUrl"}, ""]}]}}}


def api_statements(stage: str) -> list[Json]:
    """What the API function, the sweeper and the cascade may do in the bucket."""
    return [
        {"Sid": "PhotoUploadsAndCopies", "Effect": "Allow",
         # PutObject: the presigned POST is signed with this role; GetObject: the short-lived links.
         "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": [_bucket_arn(stage, "/uploads/*"), _bucket_arn(stage, "/photos/*")]},
        {"Sid": "PhotoPrefixes", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [_bucket_arn(stage)],
         "Condition": {"StringLike": {"s3:prefix": ["uploads/*", "photos/*"]}}},
    ]


def process_policy(stage: str, logs_arn: Json, table_arn: Json) -> Json:
    """The processing function: its upload in, its clean copy out, its photo's item; nothing else."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadAndDropUploads", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
         "Resource": [_bucket_arn(stage, "/uploads/*")]},
        {"Sid": "WriteCleanCopies", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
         "Resource": [_bucket_arn(stage, "/photos/*")]},
        {"Sid": "PhotoItem", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
         "Resource": [table_arn]},
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [logs_arn]},
    ]}


def merge(resources_: Json, stage: str, functions: Iterable[Any], env: Json, *, emulator: bool = False) -> None:
    """Add the bucket, its function's layer and role, and the others' rights, to a merge template."""
    by_id = {f.logical_id: f for f in functions}
    if PROCESS_FUNCTION not in by_id:
        return
    env["PHOTO_BUCKET"] = bucket_name(stage)
    process = by_id[PROCESS_FUNCTION]
    if not emulator:
        # moto's CloudFormation answers 500 to this bucket, its permission and layer: the emulator deploys
        # the functions and their rights without them; the template tests check these parts.
        resources_.update(resources(stage))
        resources_[PROCESS_FUNCTION]["Properties"]["Layers"] = [{"Ref": LAYER}]
    statements = resources_[process.role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    logs = next(s["Resource"][0] for s in statements if s.get("Sid") == "Logs")
    resources_[process.role]["Properties"]["Policies"][0]["PolicyDocument"] = process_policy(
        stage, logs, {"Fn::GetAtt": ["Table", "Arn"]})
    for logical_id in ERASES_PHOTOS:
        if logical_id in by_id and by_id[logical_id].role:
            policy = resources_[by_id[logical_id].role]["Properties"]["Policies"][0]["PolicyDocument"]
            policy["Statement"].extend(api_statements(stage))


def csp_with_bucket(policy: Json, stage: str) -> Json:
    """The site's CSP names the bucket's origin, which CloudFormation knows (account, region)."""
    security = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]
    csp["ContentSecurityPolicy"] = {"Fn::Sub": csp["ContentSecurityPolicy"].replace("{photos_origin}", origin(stage))}
    return policy


def with_layer(sam: Json, bucket: str, key: str) -> Json:
    """The layer's content at s3://bucket/key (the zip ``build_layer`` made)."""
    layer = sam.get("Resources", {}).get(LAYER)
    if layer is not None:
        layer["Properties"]["ContentUri"] = {"Bucket": bucket, "Key": key}
    return sam


def build_layer(out: Path) -> Path:
    """The layer zip: Lambda's Linux wheels of functions/photo-requirements.txt under ``python/``."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "python"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--platform", "manylinux2014_x86_64", "--implementation", "cp", "--python-version", PYTHON,
                   "--only-binary=:all:", "--target", str(target), "-r", str(LAYER_REQUIREMENTS)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError((result.stderr or result.stdout).strip().splitlines()[-1])
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(target.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, file.relative_to(target.parent))
    shutil.rmtree(Path(scratch), ignore_errors=True)
    return out
