"""The CloudFormation the deployment adds to what ``chalice package`` makes.

Pure functions, no AWS calls: the table (generated from the pynamodb model,
so the two cannot differ), the site bucket and its CDN with the site's
security headers, least-privilege roles, the functions' environment, the
stream source of the retention cascade, and the photo bucket with its function.

    stage.py      names, secrets, options of a stage
    table.py      the table, from the model
    functions.py  the functions chalice made: environment, log groups, IAM
    site.py       bucket, CloudFront, directory index, security headers
    photos.py     the private photo bucket, the processing function's layer and role
    merge.py      the merge template and the stack policy

The API is served through CloudFront under ``/api/*`` (same origin as the
site), so ``API_URL`` is ``SITE_URL + "/api"``. The functions learn the
CloudFront address through the ``SiteUrl`` stack parameter: CloudFront
depends on the API, the API on the functions, so a reference would be a
cycle (the deploy sets the parameter after the first stack creation).
"""

from __future__ import annotations

from . import photos
from .cdn import (
    ALL_VIEWER_EXCEPT_HOST,
    CACHING_OPTIMIZED,
    SECURITY_HEADERS_FILE,
    response_headers_policy,
    security_headers,
    site_resources,
)
from .functions import LOG_RETENTION_DAYS, Function, environment, function_name, function_policy, functions_of
from .merge import API_THROTTLE_BURST, API_THROTTLE_RATE, merge_template, stack_policy
from .stage import (
    API_PATH,
    DEFAULT_REGION,
    EMULATOR_SKIPS,
    LAMBDA_RUNTIME,
    SECRETS,
    Json,
    Options,
    check_stage,
    parameter_name,
    stack_name,
    table_name,
)
from .table import index_names, table_resource, table_schema, ttl_attribute

__all__ = [
    "ALL_VIEWER_EXCEPT_HOST", "API_PATH", "API_THROTTLE_BURST", "API_THROTTLE_RATE", "CACHING_OPTIMIZED",
    "DEFAULT_REGION", "EMULATOR_SKIPS", "LAMBDA_RUNTIME", "LOG_RETENTION_DAYS", "SECRETS", "SECURITY_HEADERS_FILE",
    "Function", "Json", "Options", "check_stage", "environment", "function_name", "function_policy", "functions_of",
    "index_names", "merge_template", "parameter_name", "photos", "response_headers_policy", "security_headers",
    "site_resources", "stack_name", "stack_policy", "table_name", "table_resource", "table_schema", "ttl_attribute",
]
