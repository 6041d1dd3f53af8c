"""The merge template: the file given to ``chalice package --merge-template``,
and the stack policy that guards the table."""

from __future__ import annotations

from collections.abc import Iterable

from . import photos
from .cdn import site_resources
from .functions import Function, function_resources
from .stage import API_PATH, Json, Options, check_stage
from .table import table_resource

# The API stage's throttle for all its methods together (requests per second, burst): a script cannot
# flood the API (or hold the calendar with unpaid bookings) faster than this. It is the stage's, shared by
# every caller, far above a clinic's traffic (~60 000 requests a month); per-caller limits would need WAF.
API_THROTTLE_RATE = 10
API_THROTTLE_BURST = 20


NOT_FOUND_BODY = '{"error": {"code": "not_found", "message": "Hittades inte. / Not found.", "fields": {}}}'


def gateway_responses() -> Json:
    """SAM's GatewayResponses of the API: a path no route has is 404 in the API's error shape (API
    Gateway's own default is 403 ``{"message": "Missing Authentication Token"}``); ``local.api_server``
    does the same locally."""
    return {"MISSING_AUTHENTICATION_TOKEN": {
        "StatusCode": 404,
        "ResponseParameters": {"Headers": {"Access-Control-Allow-Origin": "'*'", "Cache-Control": "'no-store'"}},
        "ResponseTemplates": {"application/json": NOT_FOUND_BODY},
    }}


def merge_template(options: Options, functions: Iterable[Function]) -> Json:
    """The file given to ``chalice package --merge-template`` (deep merge; lists replaced)."""
    check_stage(options.stage)
    stage = options.stage
    resources: Json = {"Table": table_resource(stage)}
    resources.update(site_resources(options))
    # Chalice's AWS::Serverless::Api: SAM puts MethodSettings on the stage it creates.
    resources["RestAPI"] = {"Properties": {"MethodSettings": [{
        "ResourcePath": "/*", "HttpMethod": "*",
        "ThrottlingRateLimit": API_THROTTLE_RATE, "ThrottlingBurstLimit": API_THROTTLE_BURST,
    }], "GatewayResponses": gateway_responses()}}
    functions = list(functions)
    for function in functions:
        resources.update(function_resources(options, function))
    photos.merge(resources, options, functions)  # the photo bucket, its function's layer and role

    outputs: Json = {
        "TableName": {"Value": {"Ref": "Table"}},
        "TableStreamArn": {"Value": {"Fn::GetAtt": ["Table", "StreamArn"]}},
        "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
    }
    if "PhotoBucket" in resources:
        outputs["PhotoBucketName"] = {"Value": {"Ref": "PhotoBucket"}}
    conditions = photos.conditions(resources)
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
        **({"Conditions": conditions} if conditions else {}),
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
