"""The generated stack: what `allavie deploy` would send, checked offline.

Packages the real app once (chalice package --merge-template, as deploy does),
translates the SAM part with aws-sam-translator, and checks both templates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from allavie import build, cfn, template
from pynamodb.attributes import TTLAttribute
from pynamodb.indexes import GlobalSecondaryIndex

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-north-1"
STAGE = "tmpltest"
SENDER = "info@allavieclinic.com"


@pytest.fixture(scope="module")
def package() -> build.Package:
    options = template.Options(STAGE, SENDER)
    return build.package(options, region=REGION, allow_without_dependencies=True, progress=lambda _: None)


@pytest.fixture(scope="module")
def sam(package: build.Package) -> dict:
    return package.sam


@pytest.fixture(scope="module")
def cf(sam: dict) -> dict:
    """The plain CloudFormation the stack receives."""
    return cfn.translate(cfn.with_code(sam, "artifacts", "code.zip"), REGION)


def resources_of(tmpl: dict, kind: str) -> dict[str, dict]:
    return {k: r for k, r in tmpl["Resources"].items() if r["Type"] == kind}


def the_table(tmpl: dict) -> dict:
    tables = resources_of(tmpl, "AWS::DynamoDB::Table")
    assert list(tables) == ["Table"], "exactly one table"
    return tables["Table"]


# --- the table ----------------------------------------------------------------------------


def model():
    from chalicelib.store.models import Item

    return Item


def test_ttl_is_enabled_on_the_models_ttl_attribute(cf):
    ttl_names = [name for name, attr in model().get_attributes().items() if isinstance(attr, TTLAttribute)]
    assert ttl_names == ["expires_at"]
    assert the_table(cf)["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_table_is_on_demand_with_pitr_encryption_and_a_stream(cf):
    props = the_table(cf)["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["TableName"] == f"allavie-{STAGE}"


def test_table_survives_deletion_and_replacement(cf):
    table = the_table(cf)
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    policy = template.stack_policy()
    denied = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert denied == [{"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*",
                       "Resource": "LogicalResourceId/Table"}]


def test_table_keys_and_indexes_are_the_models(cf):
    """Read the model's own classes (not _get_schema) and compare."""
    item = model()
    props = the_table(cf)["Properties"]
    assert props["KeySchema"] == [{"AttributeName": item._hash_keyname, "KeyType": "HASH"},
                                  {"AttributeName": item._range_keyname, "KeyType": "RANGE"}]
    expected = {}
    for value in vars(item).values():
        if isinstance(value, GlobalSecondaryIndex):
            keys = [(a.attr_name, "HASH" if a.is_hash_key else "RANGE") for a in value.Meta.attributes.values()
                    if a.is_hash_key or a.is_range_key]
            projection = {"ProjectionType": value.Meta.projection.projection_type}
            if value.Meta.projection.non_key_attributes:
                projection["NonKeyAttributes"] = list(value.Meta.projection.non_key_attributes)
            expected[value.Meta.index_name] = (sorted(keys, key=lambda k: k[1]), projection)
    assert set(expected) == {"gsi1", "gsi2"}
    found = {
        i["IndexName"]: (sorted(((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]), key=lambda k: k[1]),
                         i["Projection"])
        for i in props["GlobalSecondaryIndexes"]
    }
    assert found == expected
    assert expected["gsi2"][1] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["kind", "expires_at"]}
    key_names = {k["AttributeName"] for k in props["KeySchema"]} | {
        k["AttributeName"] for i in props["GlobalSecondaryIndexes"] for k in i["KeySchema"]}
    assert {a["AttributeName"] for a in props["AttributeDefinitions"]} == key_names
    assert all(a["AttributeType"] == "S" for a in props["AttributeDefinitions"])


def test_the_retention_stream_handler_reads_the_tables_stream(cf):
    mappings = resources_of(cf, "AWS::Lambda::EventSourceMapping")
    assert mappings, "the TTL cascade needs the stream"
    for mapping in mappings.values():
        assert mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert ":stream/" not in json.dumps(cf), "no placeholder stream ARN is left"


# --- functions, IAM ---------------------------------------------------------------------------


def test_functions_get_the_environment_and_no_secret_values(cf, sam):
    functions = resources_of(cf, "AWS::Lambda::Function")
    assert "APIHandler" in functions
    for logical_id, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["TABLE_NAME"] == {"Ref": "Table"}, logical_id
        assert env["SITE_URL"] == {"Ref": "SiteUrl"}
        assert env["API_URL"] == {"Fn::Sub": "${SiteUrl}/api"}
        assert env["SENDER_EMAIL"] == SENDER
        for secret in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "LINK_SIGNING_KEY"):
            assert env[f"{secret}_PARAM"] == template.parameter_name(STAGE, secret)
            assert secret not in env, "never the value itself"
    text = json.dumps(sam)
    for marker in ("sk_live", "sk_test", "whsec_", "pk_live", "pk_test"):
        assert marker not in text


def test_schedules_come_from_the_app(cf):
    rules = resources_of(cf, "AWS::Events::Rule")
    assert rules, "the app's @schedule functions become rules"
    for rule in rules.values():
        assert rule["Properties"]["ScheduleExpression"].startswith(("cron(", "rate("))


def _policy_data() -> dict:
    import cfnlint

    return json.loads((Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "Policies.json").read_text())


def _has_resource_types(action: str, data: dict) -> bool:
    service, name = action.split(":", 1)
    return bool(data[service]["Actions"][name.lower()].get("Resources"))


def test_no_wildcard_resource_where_a_resource_can_be_named(cf):
    data = _policy_data()
    roles = resources_of(cf, "AWS::IAM::Role")
    assert roles
    for role_id, role in roles.items():
        policies = role["Properties"].get("Policies", [])
        assert policies and not role["Properties"].get("ManagedPolicyArns"), role_id
        for policy in policies:
            statements = policy["PolicyDocument"]["Statement"]
            denied = {a for s in statements if s["Effect"] == "Deny" for a in s["Action"]}
            for statement in statements:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in a for a in actions), f"{role_id}: wildcard action {actions}"
                resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                if statement["Effect"] == "Allow" and "*" in resources:
                    for action in actions:
                        # Only where IAM has no resource level for the action, or where a Deny on
                        # every ARN of the action leaves only ARN-less targets (SMS to phone numbers).
                        assert not _has_resource_types(action, data) or action in denied, f"{role_id}: {action} on *"


# the TTL cascade, the outbox's sender, the offers' steps, the owner's per-day aggregates
STREAM_READERS = ("Cascade", "SendMessages", "SendOffers", "CountForReports")


def test_stream_permissions_only_for_the_stream_readers(cf):
    for role_id, role in resources_of(cf, "AWS::IAM::Role").items():
        text = json.dumps(role)
        reads = "dynamodb:GetRecords" in text
        assert reads == role_id.startswith(STREAM_READERS), role_id
        assert "dynamodb:Scan" not in text


def test_the_outbox_sender_reads_the_tables_stream_and_may_send_mail_and_sms(cf):
    functions = resources_of(cf, "AWS::Lambda::Function")
    sender = next(name for name in functions if name.startswith("SendMessages"))
    mappings = [m["Properties"] for m in resources_of(cf, "AWS::Lambda::EventSourceMapping").values()]
    wired = [m for m in mappings if m["FunctionName"] == {"Ref": sender}]
    assert len(wired) == 1 and wired[0]["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    role = resources_of(cf, "AWS::IAM::Role")[functions[sender]["Properties"]["Role"]["Fn::GetAtt"][0]]
    actions = {a for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
               if s["Effect"] == "Allow" for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {"ses:SendRawEmail", "sns:Publish", "dynamodb:GetRecords", "dynamodb:UpdateItem", "dynamodb:Query"} <= actions
    # and the retry runs on a schedule
    assert any(name.startswith("RetryMessages") for name in functions)


def test_the_offers_sender_reads_the_stream_and_its_resume_and_the_follow_ups_run_on_schedules(cf):
    functions = resources_of(cf, "AWS::Lambda::Function")
    sender = next(name for name in functions if name.startswith("SendOffers"))
    mappings = [m["Properties"] for m in resources_of(cf, "AWS::Lambda::EventSourceMapping").values()]
    wired = [m for m in mappings if m["FunctionName"] == {"Ref": sender}]
    assert len(wired) == 1 and wired[0]["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert functions[sender]["Properties"]["FunctionName"].endswith("-SendOffers")
    rules = json.dumps(resources_of(cf, "AWS::Events::Rule"))
    for scheduled in ("ResumeOffers", "SendFollowUps"):
        assert any(name.startswith(scheduled) for name in functions), scheduled
        assert scheduled in rules, scheduled
    assert "rate(5 minutes)" in rules and "cron(0 8 * * ? *)" in rules


def test_an_unknown_path_is_a_404_in_the_error_shape(cf):
    [api] = resources_of(cf, "AWS::ApiGateway::RestApi").values()
    response = api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]["MISSING_AUTHENTICATION_TOKEN"]
    assert str(response["statusCode"]) == "404"
    body = json.loads(response["responseTemplates"]["application/json"])
    assert body["error"]["code"] == "not_found" and body["error"]["fields"] == {}


# --- the site: bucket, CDN, headers -----------------------------------------------------------


def test_site_bucket_is_private_and_only_cloudfront_reads_it(cf):
    buckets = resources_of(cf, "AWS::S3::Bucket")
    assert sorted(buckets) == ["PhotoBucket", "SiteBucket"]  # the photo bucket: see the photo tests below
    props = buckets["SiteBucket"]["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert "AccessControl" not in props and "WebsiteConfiguration" not in props
    policy = resources_of(cf, "AWS::S3::BucketPolicy")["SiteBucketPolicy"]["Properties"]["PolicyDocument"]
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
            assert statement["Action"] == "s3:GetObject"
            assert "Distribution" in json.dumps(statement["Condition"]["StringEquals"]["AWS:SourceArn"])
        else:
            assert statement["Effect"] == "Deny"
    distribution = cf["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    site_origin = next(o for o in distribution["Origins"] if o["Id"] == "site")
    assert site_origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert cf["Resources"]["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def test_cloudfront_is_https_only_and_serves_the_api_under_api(cf):
    distribution = cf["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]
    assert {b["ViewerProtocolPolicy"] for b in behaviours} <= {"redirect-to-https", "https-only"}
    api = next(b for b in distribution["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    origin = next(o for o in distribution["Origins"] if o["Id"] == api["TargetOriginId"])
    assert "RestAPI" in json.dumps(origin["DomainName"])
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    stage = next(iter(resources_of(cf, "AWS::ApiGateway::Stage").values()))
    assert stage["Properties"]["StageName"] == "api", "/api/* reaches the stage named api"
    assert distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    assert api["ResponseHeadersPolicyId"] == {"Ref": "ApiHeadersPolicy"}


def _viewer_gets(config: dict, origin: dict[str, str]) -> dict[str, str]:
    """What a viewer receives: the origin's headers, and the policy's (over the origin's where it overrides)."""
    sent = {k.lower(): v for k, v in origin.items()}
    csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    value = csp["ContentSecurityPolicy"]
    value = value["Fn::Sub"] if isinstance(value, dict) else value
    if csp["Override"] or "content-security-policy" not in sent:
        sent["content-security-policy"] = value
    return sent


def test_the_unsubscribe_page_keeps_its_own_csp_through_the_api_behaviour(cf, client):
    """Issue 28: /api overrode the unsubscribe page's CSP with the site's, which blocks its inline stylesheet."""
    from chalicelib.routes import unsubscribe_page

    api_policy = cf["Resources"]["ApiHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    site_policy = cf["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    page = client.http.get("/unsubscribe?token=x", headers={"Accept-Language": "sv"})
    assert page.headers["Content-Security-Policy"] == unsubscribe_page.CSP
    viewer = _viewer_gets(api_policy, dict(page.headers))
    assert viewer["content-security-policy"] == unsubscribe_page.CSP  # its stylesheet's hash is allowed
    assert f"'sha256-{unsubscribe_page.STYLE_HASH}'" in viewer["content-security-policy"]
    # JSON answers send no CSP: they get the site's, as before; every other header is the site's policy's.
    health = client.http.get("/health")
    assert "Content-Security-Policy" not in health.headers
    assert _viewer_gets(api_policy, dict(health.headers))["content-security-policy"] == \
        site_policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    same = {k: v for k, v in api_policy["SecurityHeadersConfig"].items() if k != "ContentSecurityPolicy"}
    assert same == {k: v for k, v in site_policy["SecurityHeadersConfig"].items() if k != "ContentSecurityPolicy"}
    assert api_policy.get("CustomHeadersConfig") == site_policy.get("CustomHeadersConfig")


def _headers_sent(config: dict) -> dict[str, str]:
    """What CloudFront sends for a ResponseHeadersPolicyConfig (independent of template.py)."""
    sec = config["SecurityHeadersConfig"]
    headers = {}
    if "ContentSecurityPolicy" in sec:
        headers["Content-Security-Policy"] = sec["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    if "StrictTransportSecurity" in sec:
        hsts = sec["StrictTransportSecurity"]
        headers["Strict-Transport-Security"] = "; ".join(
            [f"max-age={hsts['AccessControlMaxAgeSec']}"] + (["includeSubDomains"] if hsts.get("IncludeSubdomains") else [])
            + (["preload"] if hsts.get("Preload") else []))
    if "ReferrerPolicy" in sec:
        headers["Referrer-Policy"] = sec["ReferrerPolicy"]["ReferrerPolicy"]
    if "ContentTypeOptions" in sec:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in sec:
        headers["X-Frame-Options"] = sec["FrameOptions"]["FrameOption"]
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    assert all(v.get("Override", True) for v in sec.values() if isinstance(v, dict))
    return headers


def _csp_directives(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for directive in value.split(";"):
        words = directive.split()
        if words:
            out[words[0]] = list(dict.fromkeys(words[1:]))
    return out


def test_security_headers_are_the_sites_file(cf):
    raw = json.loads((ROOT / "site" / "security-headers.json").read_text(encoding="utf-8"))
    # The API is same-origin (/api on the site's address): {api_origin} is the site itself.
    # The photo bucket's origin holds the account and region: CloudFormation fills it in (Fn::Sub).
    bucket = "https://allavie-tmpltest-photos-${AWS::AccountId}.s3.${AWS::Region}.amazonaws.com"
    expected = {k: v.replace("{api_origin}", "'self'").replace("{photos_origin}", bucket)
                for k, v in raw.items() if not k.startswith("_")}
    assert expected, "the site defines its headers"
    config = json.loads(json.dumps(cf["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]))
    csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert set(csp["ContentSecurityPolicy"]) == {"Fn::Sub"}
    csp["ContentSecurityPolicy"] = csp["ContentSecurityPolicy"]["Fn::Sub"]
    sent = _headers_sent(config)
    assert set(sent) == set(expected)
    for name, value in expected.items():
        if name == "Content-Security-Policy":
            assert _csp_directives(sent[name]) == _csp_directives(value)
        else:
            assert sent[name] == value, name


def test_a_header_cloudfront_cannot_send_is_refused():
    with pytest.raises(ValueError, match="Referrer-Policy"):
        template.response_headers_policy({"Referrer-Policy": "sometimes"}, "x")
    with pytest.raises(ValueError, match="X-Frame-Options"):
        template.response_headers_policy({"X-Frame-Options": "ALLOW-FROM https://a"}, "x")


# --- validity -----------------------------------------------------------------------------------


def test_the_api_stage_is_throttled_for_every_method(cf):
    [stage] = resources_of(cf, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["MethodSettings"] == [{
        "ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20,
    }]


def test_cfn_lint_is_clean(sam, cf):
    assert cfn.lint(sam, REGION) == []
    assert cfn.lint(cf, REGION) == []


def test_cfn_lint_catches_a_broken_template(cf):
    broken = json.loads(json.dumps(cf))
    broken["Resources"]["Table"]["Properties"]["BillingMode"] = "FREE"
    assert any("BillingMode" in problem or "FREE" in problem for problem in cfn.lint(broken, REGION))


def test_emulator_template_leaves_out_only_what_moto_cannot_create(package):
    functions = package.functions
    full = template.merge_template(template.Options(STAGE, SENDER), functions)["Resources"]
    emulated = template.merge_template(template.Options(STAGE, SENDER, emulator=True), functions)["Resources"]
    assert set(full) - set(emulated) == set(template.EMULATOR_SKIPS) | set(template.photos.EMULATOR_SKIPS)
    assert emulated["Table"] == full["Table"]


# --- the photo bucket and its function (template/photos.py) ---------------------------------------


def _policy_of(cf: dict, function: str) -> list[dict]:
    role = cf["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return cf["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def test_the_photo_bucket_is_private_encrypted_tls_only_and_cleans_up_unprocessed_uploads(cf):
    # customers' data, like the table: a destroyed stack keeps it (destroy --delete-data removes it)
    assert cf["Resources"]["PhotoBucket"]["DeletionPolicy"] == "Retain"
    assert cf["Resources"]["PhotoBucket"]["UpdateReplacePolicy"] == "Retain"
    bucket = cf["Resources"]["PhotoBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "AccessControl" not in bucket and "WebsiteConfiguration" not in bucket and "VersioningConfiguration" not in bucket
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert rule["SSEAlgorithm"] in ("AES256", "aws:kms")
    [lifecycle] = bucket["LifecycleConfiguration"]["Rules"]
    assert lifecycle["Prefix"] == "uploads/" and lifecycle["ExpirationInDays"] == 1 and lifecycle["Status"] == "Enabled"
    # CORS: only the site's own origin, only the upload's POST (none before the site's address is known)
    cors = bucket["CorsConfiguration"]["Fn::If"]
    assert cors[0] == "HasSiteUrl" and cors[2] == {"Ref": "AWS::NoValue"}
    [allowed] = cors[1]["CorsRules"]
    assert allowed["AllowedOrigins"] == [{"Ref": "SiteUrl"}] and allowed["AllowedMethods"] == ["POST"]
    tls = cf["Resources"]["PhotoBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [(s["Effect"], s["Condition"]) for s in tls] == [("Deny", {"Bool": {"aws:SecureTransport": "false"}})]


def test_uploads_trigger_the_processing_function_which_alone_has_the_pillow_layer(cf, package):
    notification = cf["Resources"]["PhotoBucket"]["Properties"]["NotificationConfiguration"]
    [target] = notification["LambdaConfigurations"]
    assert target["Event"] == "s3:ObjectCreated:*"
    assert target["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": "uploads/"}]}}
    assert target["Function"] == {"Fn::GetAtt": ["ProcessPhoto", "Arn"]}
    permission = cf["Resources"]["PhotoBucketInvokesProcessing"]["Properties"]
    assert permission["Principal"] == "s3.amazonaws.com" and permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    layers = {name: r["Properties"].get("Layers") for name, r in resources_of(cf, "AWS::Lambda::Function").items()}
    assert [name for name, layer in layers.items() if layer] == ["ProcessPhoto"]
    assert cf["Resources"]["ProcessPhoto"]["Properties"]["Handler"] == "chalicelib.routes.photos.process_photo"
    requirements = (ROOT / "functions" / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "pillow" not in requirements  # the API's package never carries it


def test_the_processing_role_touches_only_uploads_clean_copies_and_items(cf):
    statements = {s["Sid"]: s for s in _policy_of(cf, "ProcessPhoto")}
    assert set(statements) == {"ReadAndDropUploads", "WriteCleanCopies", "PhotoItem", "Logs"}
    assert statements["ReadAndDropUploads"]["Action"] == ["s3:GetObject", "s3:DeleteObject"]
    assert statements["ReadAndDropUploads"]["Resource"][0]["Fn::Sub"].endswith("-photos-${AWS::AccountId}/uploads/*")
    assert statements["WriteCleanCopies"]["Resource"][0]["Fn::Sub"].endswith("-photos-${AWS::AccountId}/photos/*")
    assert statements["PhotoItem"]["Action"] == ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    assert not any(a.startswith(("ses:", "sns:", "ssm:")) for s in statements.values() for a in s["Action"])


def test_the_api_may_presign_and_erase_photos_and_the_sweeper_and_cascade_may_erase(cf):
    for function in ("APIHandler", "SweepExpired", "CascadeTtlDeletions"):
        sids = {s.get("Sid"): s for s in _policy_of(cf, function)}
        assert sids["PhotoUploadsAndCopies"]["Action"] == ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
        assert sids["PhotoPrefixes"]["Condition"] == {"StringLike": {"s3:prefix": ["uploads/*", "photos/*"]}}
    assert not any(s.get("Sid", "").startswith("Photo") for s in _policy_of(cf, "SendReminders"))
    env = cf["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["PHOTO_BUCKET"] == {"Fn::Sub": "allavie-tmpltest-photos-${AWS::AccountId}"}
