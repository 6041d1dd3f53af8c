"""The site's resources: a private bucket served only through CloudFront, the
directory-index function, and the site's security headers as CloudFront's
response headers policy (the same file the local and test servers send)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .. import site_build as static_site
from . import photos
from .stage import API_PATH, EMULATOR_SKIPS, Json, Options

SECURITY_HEADERS_FILE = static_site.SECURITY_HEADERS_FILE

# AWS managed CloudFront policies (fixed ids, documented by AWS).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


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
    stays for ``photos.csp_with_bucket``: the bucket's name holds the account)."""
    headers = static_site.security_headers("'self'", path, photos_origin="{photos_origin}")
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


def response_headers_policy(headers: Mapping[str, str], name: str, *, origin_wins: frozenset[str] = frozenset()) -> Json:
    """CloudFront's ResponseHeadersPolicyConfig sending exactly ``headers``.

    CloudFront has typed fields for some security headers; the others are
    custom headers. A value CloudFront cannot express is an error here,
    not a silently different header in production. A header named (lower
    case) in ``origin_wins`` is sent only when the origin sends none.
    """
    security: Json = {}
    custom: list[Json] = []
    for header, value in headers.items():
        key = header.lower()
        if key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": value, "Override": key not in origin_wins}
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


# --- bucket and CDN ------------------------------------------------------------------


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
            "Properties": photos.csp_with_bucket({"ResponseHeadersPolicyConfig": response_headers_policy(
                security_headers(), f"allavie-{stage}-security-headers")}, stage),
        },
        # /api: the same headers, but a page the API serves with a CSP of its own (the unsubscribe page, whose
        # inline stylesheet its CSP allows by hash) keeps it; JSON answers, which send none, get the site's.
        "ApiHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": photos.csp_with_bucket({"ResponseHeadersPolicyConfig": response_headers_policy(
                security_headers(), f"allavie-{stage}-api-headers", origin_wins=frozenset({"content-security-policy"}))},
                stage),
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
                    "ResponseHeadersPolicyId": {"Ref": "ApiHeadersPolicy"},
                }],
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            }},
        },
    }
    if options.emulator:
        for name in EMULATOR_SKIPS:
            resources.pop(name)
    return resources
