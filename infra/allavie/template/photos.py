"""The photo bucket and its function in the stack (merged by ``merge.merge_template``).

- ``PhotoBucket``: private (public access blocked, owner-enforced), encrypted, TLS only, CORS for
  the site's origin alone (POST of an upload), a lifecycle rule that removes unprocessed uploads
  after a day, and the ObjectCreated notification under ``uploads/`` to ``ProcessPhoto``.
- ``ProcessPhoto`` (chalice's ``process_photo``): its own least-privilege role (read and delete
  uploads, write clean copies, update a photo's item) and its own layer ``PhotoLibraries``
  (Pillow, pillow-heif from functions/photo-requirements.txt, built and uploaded by the deploy's
  steps in ``deploy/photo_layer.py``), so the API function's package carries neither; the API
  function's role may presign (put uploads, get clean copies), delete and list a customer's
  objects, as may the sweeper and the TTL cascade (erasure and the end of retention, by prefix).

The bucket's name is fixed from stage and account (not a Ref), so that the functions' roles and
environment, the invoke permission and the bucket's notification form no cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from .functions import Function, logs_statement
from .stage import LAMBDA_RUNTIME, Json, Options, photo_bucket_name

PROCESS_FUNCTION = "ProcessPhoto"
ERASES_PHOTOS = ("APIHandler", "CascadeTtlDeletions", "SweepExpired")  # presign, erase, end of retention
LAYER = "PhotoLibraries"
LAYER_PLACEHOLDER = {"Bucket": "artifacts-bucket", "Key": "photo-layer.zip"}  # with_layer: the uploaded zip
UNPROCESSED_DAYS = 1
PROCESS_MEMORY_MB = 2048
PROCESS_TIMEOUT_S = 60
# moto's CloudFormation answers 500 to the bucket's CORS and notification, its permission and the layer:
# the emulator deploys the functions and their rights without them; the template tests check these parts.
EMULATOR_SKIPS = ("PhotoBucket", "PhotoBucketPolicy", "PhotoBucketInvokesProcessing", LAYER)


def origin(stage: str) -> str:
    """The bucket's regional origin as a ``Fn::Sub`` text: what the CSP allows and boto3 presigns for."""
    return f"https://allavie-{stage}-photos-${{AWS::AccountId}}.s3.${{AWS::Region}}.amazonaws.com"


def physical_name(stage: str, account: str) -> str:
    """The bucket's name in one account (what ``photo_bucket_name`` becomes)."""
    return f"allavie-{stage}-photos-{account}"


def _bucket_arn(stage: str, path: str = "") -> Json:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::allavie-{stage}-photos-${{AWS::AccountId}}{path}"}


def resources(stage: str) -> Json:
    """The bucket, its TLS-only policy, the permission S3 needs to invoke the function, and the layer."""
    return {
        "PhotoBucket": {
            "Type": "AWS::S3::Bucket",
            "DependsOn": ["PhotoBucketInvokesProcessing"],
            # Customers' data, like the table: a destroyed stack keeps it (``destroy --delete-data`` removes it),
            # and a non-empty bucket would make the stack's deletion fail half-way.
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": photo_bucket_name(stage),
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
                "ContentUri": dict(LAYER_PLACEHOLDER),
                "CompatibleRuntimes": [LAMBDA_RUNTIME],
                "RetentionPolicy": "Delete",
            },
        },
    }


def conditions(resources_: Json) -> Json:
    """The template's ``Conditions`` the bucket's CORS rule needs (none without the bucket: the emulator)."""
    if "PhotoBucket" not in resources_:
        return {}
    return {"HasSiteUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteUrl"}, ""]}]}}


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


def process_policy(stage: str) -> Json:
    """The processing function: its upload in, its clean copy out, its photo's item; nothing else."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadAndDropUploads", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
         "Resource": [_bucket_arn(stage, "/uploads/*")]},
        {"Sid": "WriteCleanCopies", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
         "Resource": [_bucket_arn(stage, "/photos/*")]},
        {"Sid": "PhotoItem", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
         "Resource": [{"Fn::GetAtt": ["Table", "Arn"]}]},
        logs_statement(stage, PROCESS_FUNCTION),
    ]}


def _policy(resources_: Json, function: Function) -> Json:
    document: Json = resources_[str(function.role)]["Properties"]["Policies"][0]["PolicyDocument"]
    return document


def merge(resources_: Json, options: Options, functions: Iterable[Function]) -> None:
    """Add the bucket and its function's layer and role, and the others' rights, to the merge's resources
    (after ``functions.function_resources`` gave each function its own)."""
    by_id = {f.logical_id: f for f in functions}
    if PROCESS_FUNCTION not in by_id:
        return
    stage = options.stage
    # A 40 MP photo is 120 MB of pixels, copied a few times on its way to the clean copy; Lambda's CPU grows
    # with the memory, so the cleaning is quick too. The others keep chalice's 512 MB.
    resources_[PROCESS_FUNCTION]["Properties"].update({"MemorySize": PROCESS_MEMORY_MB, "Timeout": PROCESS_TIMEOUT_S})
    if not options.emulator:
        resources_.update(resources(stage))
        resources_[PROCESS_FUNCTION]["Properties"]["Layers"] = [{"Ref": LAYER}]
    process = by_id[PROCESS_FUNCTION]
    resources_[str(process.role)]["Properties"]["Policies"][0]["PolicyDocument"] = process_policy(stage)
    for logical_id in ERASES_PHOTOS:
        if logical_id in by_id and by_id[logical_id].role:
            _policy(resources_, by_id[logical_id])["Statement"].extend(api_statements(stage))


def csp_with_bucket(policy: Json, stage: str) -> Json:
    """The site's CSP names the bucket's origin, which CloudFormation knows (account, region)."""
    security = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]
    csp["ContentSecurityPolicy"] = {"Fn::Sub": csp["ContentSecurityPolicy"].replace("{photos_origin}", origin(stage))}
    return policy


def with_layer(sam: Json, bucket: str, key: str) -> Json:
    """The layer's content at s3://bucket/key (the zip ``deploy.photo_layer`` built and uploaded)."""
    layer = sam.get("Resources", {}).get(LAYER)
    if layer is not None:
        layer["Properties"]["ContentUri"] = {"Bucket": bucket, "Key": key}
    return sam
