"""The CloudFormation the deployment adds to what ``chalice package`` makes.

Pure functions, no AWS calls: the table (generated from the pynamodb model,
so the two cannot differ), the site bucket and its CDN with the site's
security headers, least-privilege roles, the functions' environment, and
the stream source of the retention cascade.

The API is served through CloudFront under ``/api/*`` (same origin as the
site), so ``API_URL`` is ``SITE_URL + "/api"``. The functions learn the
CloudFront address through the ``SiteUrl`` stack parameter: CloudFront
depends on the API, the API on the functions, so a reference would be a
cycle (deploy.py sets the parameter after the first stack creation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import photos_stack, site

DEFAULT_REGION = "eu-north-1"
SECURITY_HEADERS_FILE = site.SECURITY_HEADERS_FILE
API_PATH = "/api"  # chalice's api_gateway_stage; CloudFront forwards /api/* unchanged to the stage
LOG_RETENTION_DAYS = 30  # logs may hold request details: keep them briefly

# The secrets the functions read (chalicelib/secrets.py): env var NAME_PARAM names the SSM parameter.
SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "LINK_SIGNING_KEY")

# AWS managed CloudFront policies (fixed ids, documented by AWS).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

# The API stage's throttle for all its methods together (requests per second, burst): a script cannot
# flood the API (or hold the calendar with unpaid bookings) faster than this. It is the stage's, shared by
# every caller, far above a clinic's traffic (~60 000 requests a month); per-caller limits would need WAF.
API_THROTTLE_RATE = 10
API_THROTTLE_BURST = 20

# What the emulator (moto server) cannot create; left out with --emulator.
EMULATOR_SKIPS = ("SiteBucketPolicy", "SiteOriginAccessControl", "DirectoryIndexFunction",
                  "SecurityHeadersPolicy", "ApiCachePolicy", "Distribution")

Json = dict[str, Any]


def stack_name(stage: str) -> str:
    return f"allavie-{stage}"


def table_name(stage: str) -> str:
    return f"allavie-{stage}"


def parameter_name(stage: str, secret: str) -> str:
    """``/allavie/<stage>/stripe-secret-key`` for ``STRIPE_SECRET_KEY``."""
    return f"/allavie/{stage}/{secret.lower().replace('_', '-')}"


def check_stage(stage: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", stage):
        raise ValueError(f"stage {stage!r}: use 1-20 lowercase letters, digits or '-', starting with a letter")
    return stage


# --- the table, from the model ----------------------------------------------------


def _model() -> Any:
    from chalicelib.store.models import Item

    return Item


def ttl_attribute() -> str:
    attribute = _model()._ttl_attribute()
    if attribute is None:
        raise RuntimeError("the model has no TTL attribute")
    return str(attribute.attr_name)


def table_schema() -> Json:
    """Keys, attribute definitions and GSIs exactly as pynamodb creates them."""
    schema = _model()._get_schema()
    indexes = [
        {
            "IndexName": index["index_name"],
            "KeySchema": [dict(part) for part in index["key_schema"]],
            "Projection": dict(index["projection"]),
        }
        for index in sorted(schema["global_secondary_indexes"], key=lambda i: i["index_name"])
    ]
    if schema.get("local_secondary_indexes"):
        raise RuntimeError("local secondary indexes cannot be added to an existing table: not supported here")
    return {
        "AttributeDefinitions": sorted((dict(a) for a in schema["attribute_definitions"]),
                                       key=lambda a: a["AttributeName"]),
        "KeySchema": [dict(part) for part in schema["key_schema"]],
        "GlobalSecondaryIndexes": indexes,
    }


def index_names() -> list[str]:
    return [index["IndexName"] for index in table_schema()["GlobalSecondaryIndexes"]]


def table_resource(stage: str) -> Json:
    return {
        "Type": "AWS::DynamoDB::Table",
        # The customers' data outlives every stack operation: deleting or replacing
        # the stack keeps the table, and DynamoDB itself refuses to delete it.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": table_name(stage),
            "BillingMode": "PAY_PER_REQUEST",
            **table_schema(),
            "TimeToLiveSpecification": {"AttributeName": ttl_attribute(), "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},  # KMS, AWS managed key
            "DeletionProtectionEnabled": True,
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},  # the TTL cascade
            "Tags": [{"Key": "app", "Value": "allavie"}, {"Key": "stage", "Value": stage}],
        },
    }


# --- security headers -----------------------------------------------------------------


def _unique_sources(csp: str) -> str:
    """Each CSP directive with its sources once (``'self' 'self'`` is noise)."""
    directives = []
    for directive in csp.split(";"):
        words = directive.split()
        if words:
            directives.append(" ".join(dict.fromkeys(words)))
    return "; ".join(directives)


def security_headers(path: Path = SECURITY_HEADERS_FILE) -> dict[str, str]:
    """The site's headers; the API is same-origin, so ``{api_origin}`` is ``'self'`` (``{photos_origin}``
    stays for ``photos_stack.csp_with_bucket``: the bucket's name holds the account)."""
    headers = site.security_headers("'self'", path, photos_origin="{photos_origin}")
    return {name: _unique_sources(value) if name.lower() == "content-security-policy" else value
            for name, value in headers.items()}


REFERRER_POLICIES = {"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
                     "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"}


def _hsts(value: str) -> Json:
    parts = [p.strip() for p in value.split(";") if p.strip()]
    config: Json = {"Override": True, "IncludeSubdomains": False, "Preload": False}
    for part in parts:
        lower = part.lower()
        if lower.startswith("max-age="):
            config["AccessControlMaxAgeSec"] = int(lower.split("=", 1)[1])
        elif lower == "includesubdomains":
            config["IncludeSubdomains"] = True
        elif lower == "preload":
            config["Preload"] = True
        else:
            raise ValueError(f"Strict-Transport-Security: CloudFront cannot send {part!r}")
    if "AccessControlMaxAgeSec" not in config:
        raise ValueError("Strict-Transport-Security needs max-age")
    return config


def response_headers_policy(headers: Mapping[str, str], name: str) -> Json:
    """CloudFront's ResponseHeadersPolicyConfig sending exactly ``headers``.

    CloudFront has typed fields for some security headers; the others are
    custom headers. A value CloudFront cannot express is an error here,
    not a silently different header in production.
    """
    security: Json = {}
    custom: list[Json] = []
    for header, value in headers.items():
        key = header.lower()
        if key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": value, "Override": True}
        elif key == "strict-transport-security":
            security["StrictTransportSecurity"] = _hsts(value)
        elif key == "referrer-policy":
            if value not in REFERRER_POLICIES:
                raise ValueError(f"Referrer-Policy {value!r} is not one CloudFront can send")
            security["ReferrerPolicy"] = {"ReferrerPolicy": value, "Override": True}
        elif key == "x-content-type-options":
            if value.lower() != "nosniff":
                raise ValueError("X-Content-Type-Options can only be nosniff")
            security["ContentTypeOptions"] = {"Override": True}
        elif key == "x-frame-options":
            if value.upper() not in ("DENY", "SAMEORIGIN"):
                raise ValueError("X-Frame-Options must be DENY or SAMEORIGIN")
            security["FrameOptions"] = {"FrameOption": value.upper(), "Override": True}
        elif key == "x-xss-protection":
            raise ValueError("X-XSS-Protection: leave it out (obsolete); CSP protects instead")
        else:
            custom.append({"Header": header, "Value": value, "Override": True})
    config: Json = {"Name": name, "Comment": "site/security-headers.json", "SecurityHeadersConfig": security}
    if custom:
        config["CustomHeadersConfig"] = {"Items": custom}
    return config


# --- IAM -------------------------------------------------------------------------------


def _arn(service: str, resource: str) -> Json:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def function_name(stage: str, logical_id: str) -> str:
    return f"allavie-{stage}-{logical_id}"[:64]


def function_policy(stage: str, sender: str, logical_id: str, reads_stream: bool) -> Json:
    """What one function may do; every resource named, except where AWS has no resource level."""
    table_arn = {"Fn::GetAtt": ["Table", "Arn"]}
    statements: list[Json] = [
        {
            "Sid": "Table",
            "Effect": "Allow",
            # No Scan: every access pattern is a Query or GetItem (models.py).
            "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                       "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                       "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
            "Resource": [table_arn] + [
                {"Fn::Sub": ["${Table}/index/" + name, {"Table": table_arn}]} for name in index_names()
            ],
        },
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            # SecureStrings under the AWS managed key aws/ssm: its key policy lets SSM
            # decrypt for principals of this account, so no kms statement is needed.
            "Action": ["ssm:GetParameter"],
            "Resource": [_arn("ssm", "parameter" + parameter_name(stage, name)) for name in SECRETS],
        },
        {
            "Sid": "SendFromTheClinic",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            # The address itself or its domain, whichever the operator verified.
            "Resource": [_arn("ses", f"identity/{sender}"), _arn("ses", f"identity/{sender.split('@', 1)[1]}")],
            "Condition": {"StringEquals": {"ses:FromAddress": sender}},
        },
        {
            "Sid": "SmsToPhoneNumbers",
            "Effect": "Allow",
            # SMS goes to a phone number, which has no ARN; the Deny below takes every
            # topic away, so only direct SMS remains.
            "Action": ["sns:Publish"],
            "Resource": "*",
        },
        {
            "Sid": "NoTopics",
            "Effect": "Deny",
            "Action": ["sns:Publish"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*"}],
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [_arn("logs", f"log-group:/aws/lambda/{function_name(stage, logical_id)}:*")],
        },
    ]
    if reads_stream:
        statements.append({
            "Sid": "TableStream",
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            "Resource": [{"Fn::GetAtt": ["Table", "StreamArn"]}],
        })
        statements.append({
            "Sid": "ListStreams",
            "Effect": "Allow",
            # The one wildcard: ListStreams has no resource-level permissions in IAM.
            "Action": ["dynamodb:ListStreams"],
            "Resource": "*",
        })
    return {"Version": "2012-10-17", "Statement": statements}


# --- what chalice made ---------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    """A function of the packaged app, as ``chalice package`` named it."""

    logical_id: str
    role: str | None              # the logical id of its role, when chalice made one
    stream_events: tuple[str, ...] = field(default=())  # its DynamoDB event names

    @property
    def reads_stream(self) -> bool:
        return bool(self.stream_events)


def functions_of(sam: Mapping[str, Any]) -> list[Function]:
    found = []
    for logical_id, resource in sam.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        role = props.get("Role")
        role_id = role["Fn::GetAtt"][0] if isinstance(role, dict) and "Fn::GetAtt" in role else None
        streams = tuple(name for name, event in (props.get("Events") or {}).items() if event.get("Type") == "DynamoDB")
        found.append(Function(logical_id, role_id, streams))
    return sorted(found, key=lambda f: f.logical_id)


# --- the merge template ----------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    stage: str
    sender: str
    emulator: bool = False  # leave out what moto server cannot create (EMULATOR_SKIPS)


def environment(options: Options) -> Json:
    site_url: Json = {"Ref": "SiteUrl"}
    env: Json = {
        "TABLE_NAME": {"Ref": "Table"},
        "SITE_URL": site_url,
        "API_URL": {"Fn::Sub": "${SiteUrl}" + API_PATH},
        "SENDER_EMAIL": options.sender,
        "STAGE": options.stage,
    }
    for name in SECRETS:
        env[f"{name}_PARAM"] = parameter_name(options.stage, name)
    return env


DIRECTORY_INDEX_JS = """function handler(event) {
  // MkDocs writes page/index.html: serve it for /page/ and /page.
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    request.uri = uri + '/index.html';
  }
  return request;
}
"""


def site_resources(options: Options) -> Json:
    stage = options.stage
    resources: Json = {
        "SiteBucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "Tags": [{"Key": "app", "Value": "allavie"}, {"Key": "stage", "Value": stage}],
            },
        },
        "SiteBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "SiteBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "OnlyThroughCloudFront",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
                            "Condition": {"StringEquals": {"AWS:SourceArn": {
                                "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}}},
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [{"Fn::GetAtt": ["SiteBucket", "Arn"]}, {"Fn::Sub": "${SiteBucket.Arn}/*"}],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
        "SiteOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {"OriginAccessControlConfig": {
                "Name": f"allavie-{stage}-site", "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always", "SigningProtocol": "sigv4"}},
        },
        "DirectoryIndexFunction": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": f"allavie-{stage}-directory-index",
                "AutoPublish": True,
                "FunctionCode": DIRECTORY_INDEX_JS,
                "FunctionConfig": {"Comment": "serve page/index.html for /page/", "Runtime": "cloudfront-js-2.0"},
            },
        },
        "SecurityHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": photos_stack.csp_with_bucket({"ResponseHeadersPolicyConfig": response_headers_policy(
                security_headers(), f"allavie-{stage}-security-headers")}, stage),
        },
        "ApiCachePolicy": {
            "Type": "AWS::CloudFront::CachePolicy",
            "Properties": {"CachePolicyConfig": {
                # Nothing is cached unless the API says so; Authorization must be in the
                # key for CloudFront to forward it on GET, Accept-Language picks sv/en.
                "Name": f"allavie-{stage}-api", "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 1,
                "ParametersInCacheKeyAndForwardedToOrigin": {
                    "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
                    "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["Authorization", "Accept-Language"]},
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "all"},
                }}},
        },
        "Distribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {"DistributionConfig": {
                "Comment": f"Allavie {stage}: site and /api",
                "Enabled": True,
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": "PriceClass_100",
                "DefaultRootObject": "index.html",
                "Origins": [
                    {
                        "Id": "site",
                        "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
                        "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]},
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    },
                    {
                        "Id": "api",
                        "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                        "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
                    },
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"],
                    "CachedMethods": ["GET", "HEAD"],
                    "Compress": True,
                    "CachePolicyId": CACHING_OPTIMIZED,
                    "ResponseHeadersPolicyId": {"Ref": "SecurityHeadersPolicy"},
                    "FunctionAssociations": [{"EventType": "viewer-request",
                                              "FunctionARN": {"Fn::GetAtt": ["DirectoryIndexFunction", "FunctionARN"]}}],
                },
                "CacheBehaviors": [{
                    "PathPattern": f"{API_PATH}/*",
                    "TargetOriginId": "api",
                    # https-only: a redirect would drop the body of a POST
                    "ViewerProtocolPolicy": "https-only",
                    "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                    "CachedMethods": ["GET", "HEAD"],
                    "Compress": True,
                    "CachePolicyId": {"Ref": "ApiCachePolicy"},
                    "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                    "ResponseHeadersPolicyId": {"Ref": "SecurityHeadersPolicy"},
                }],
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            }},
        },
    }
    if options.emulator:
        for name in EMULATOR_SKIPS:
            resources.pop(name)
    return resources


def merge_template(options: Options, functions: Iterable[Function]) -> Json:
    """The file given to ``chalice package --merge-template`` (deep merge; lists replaced)."""
    check_stage(options.stage)
    stage = options.stage
    functions = list(functions)
    resources: Json = {"Table": table_resource(stage)}
    resources.update(site_resources(options))
    # Chalice's AWS::Serverless::Api: SAM puts MethodSettings on the stage it creates.
    resources["RestAPI"] = {"Properties": {"MethodSettings": [{
        "ResourcePath": "/*", "HttpMethod": "*",
        "ThrottlingRateLimit": API_THROTTLE_RATE, "ThrottlingBurstLimit": API_THROTTLE_BURST,
    }]}}
    env = environment(options)
    for function in functions:
        name = function_name(stage, function.logical_id)
        props: Json = {
            "FunctionName": name,
            "Environment": {"Variables": env},
            "Tags": {"app": "allavie", "stage": stage},
        }
        if function.stream_events:
            # chalice wrote the placeholder ARN from TABLE_STREAM_ARN; the real one is the table's.
            props["Events"] = {event: {"Properties": {"Stream": {"Fn::GetAtt": ["Table", "StreamArn"]}}}
                               for event in function.stream_events}
        resources[function.logical_id] = {"Properties": props}
        resources[f"{function.logical_id}Logs"] = {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": LOG_RETENTION_DAYS},
        }
        if function.role is None:
            raise RuntimeError(f"{function.logical_id} has no role of its own: set autogen_policy false in the config")
        resources[function.role] = {"Properties": {"Policies": [{
            "PolicyName": f"{function.logical_id}LeastPrivilege",
            "PolicyDocument": function_policy(stage, options.sender, function.logical_id, function.reads_stream),
        }]}}

    photos_stack.merge(resources, stage, functions, env, emulator=options.emulator)  # the photo bucket, its function

    outputs: Json = {
        "TableName": {"Value": {"Ref": "Table"}},
        "TableStreamArn": {"Value": {"Fn::GetAtt": ["Table", "StreamArn"]}},
        "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
    }
    if "PhotoBucket" in resources:
        outputs["PhotoBucketName"] = {"Value": {"Ref": "PhotoBucket"}}
    if not options.emulator:
        outputs["DistributionId"] = {"Value": {"Ref": "Distribution"}}
        outputs["SiteUrl"] = {"Value": {"Fn::Sub": "https://${Distribution.DomainName}"}}
        outputs["ApiUrl"] = {"Value": {"Fn::Sub": "https://${Distribution.DomainName}" + API_PATH}}
    return {
        "Description": f"Allavie / Hudateljén booking and privacy platform, stage {stage}",
        "Parameters": {
            "SiteUrl": {
                "Type": "String",
                "Default": "",
                "Description": "The site's public https URL (CloudFront); set by allavie deploy",
            },
        },
        **photos_stack.conditions(resources),
        "Resources": resources,
        "Outputs": outputs,
    }


def stack_policy() -> Json:
    """No stack update may replace or delete the table (on top of Retain and deletion protection)."""
    return {"Statement": [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*",
         "Resource": "LogicalResourceId/Table"},
    ]}
