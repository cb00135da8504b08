"""boto3 against the CLI server (clients.sh starts it and exports its environment): every operation the store
answers, paging through boto3's own paginators with PageSize and MaxItems, errors by name. Ends with one line:
`boto3: N passed, M failed`."""
import os
import sys
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

passed = 0
failed = 0


def check(name, expected, actual):
    global passed, failed
    if expected == actual:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}\n  expected: {expected!r}\n  got:      {actual!r}", file=sys.stderr)


def check_error(name, error, call, **kwargs):
    """The call must fail with that error name; returns botocore's parsed error response (None otherwise)."""
    global passed, failed
    try:
        call(**kwargs)
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if code == error:
            passed += 1
            return e.response
        failed += 1
        print(f"FAIL {name}: expected {error}, got {code}", file=sys.stderr)
        return None
    failed += 1
    print(f"FAIL {name}: succeeded, expected {error}", file=sys.stderr)
    return None


def client(service):
    options = {"config": Config(retries={"max_attempts": 1, "mode": "standard"})}
    # botocore 1.31 and later read AWS_ENDPOINT_URL_<SERVICE> from the environment; older ones are told.
    if tuple(int(x) for x in botocore.__version__.split(".")[:2]) < (1, 31):
        options["endpoint_url"] = os.environ["AWS_ENDPOINT_URL_SSM"]
    return boto3.client(service, **options)


def pages(paginator, **kwargs):
    return list(paginator.paginate(**kwargs))


ssm = client("ssm")
sm = client("secretsmanager")
appconfig = client("appconfigdata")

# AppConfig Data, first poll: the second must wait out the session's interval (15 s at least, as AWS), so it runs
# at the end, after the SSM and Secrets Manager checks.
FLAGS = '{"beta":{"enabled":true},"greeting":"h\u00e9llo \u2713"}'.encode()


def session(profile, application="ci"):
    return appconfig.start_configuration_session(
        ApplicationIdentifier=application, EnvironmentIdentifier="prod", ConfigurationProfileIdentifier=profile,
        RequiredMinimumPollIntervalInSeconds=15)["InitialConfigurationToken"]


initial = session("flags")
first = appconfig.get_latest_configuration(ConfigurationToken=initial)
first_poll = time.monotonic()
check("appconfig: the configuration, byte for byte", FLAGS, first["Configuration"].read())
check("appconfig: interval, content type, version label", (15, "application/json", "v1"),
      (first.get("NextPollIntervalInSeconds"), first.get("ContentType"), first.get("VersionLabel")))
next_token = first.get("NextPollConfigurationToken")
check("appconfig: a next token, not the one sent", True, bool(next_token) and next_token != initial)
reused = check_error("appconfig: a token used twice", "BadRequestException", appconfig.get_latest_configuration,
                     ConfigurationToken=initial)
check("appconfig: the reuse is about the token", ("InvalidParameters", ["ConfigurationToken"]),
      ((reused or {}).get("Reason"), list((reused or {}).get("Details", {}).get("InvalidParameters", {}))))
check_error("appconfig: a made-up token", "BadRequestException", appconfig.get_latest_configuration,
            ConfigurationToken="bogus")
missing = check_error("appconfig: a profile that does not exist", "ResourceNotFoundException", session, profile="nope")
check("appconfig: ResourceType of a missing profile", "ConfigurationProfile", (missing or {}).get("ResourceType"))
missing = check_error("appconfig: an application that does not exist", "ResourceNotFoundException", session,
                      profile="flags", application="nope")
check("appconfig: ResourceType of a missing application", "Application", (missing or {}).get("ResourceType"))
banner = appconfig.get_latest_configuration(ConfigurationToken=session("banner"))
check("appconfig: a text/plain profile", (b"Welcome", "text/plain"), (banner["Configuration"].read(), banner["ContentType"]))

# SSM
ssm.put_parameter(Name="/boto/a", Value="1", Type="String")
ssm.put_parameter(Name="/boto/b", Value="2", Type="StringList")
ssm.put_parameter(Name="/boto/deep/c", Value="fake-c", Type="SecureString")
ssm.put_parameter(Name="/boto/deep/d", Value="4", Type="String", Tags=[{"Key": "team", "Value": "core"}])
check_error("put without Type on a new name", "ValidationException", ssm.put_parameter, Name="/boto/x", Value="x")
check("overwrite without Type", 2, ssm.put_parameter(Name="/boto/a", Value="1b", Overwrite=True)["Version"])

by_path = pages(ssm.get_paginator("get_parameters_by_path"), Path="/boto", Recursive=True, WithDecryption=True,
                PaginationConfig={"PageSize": 1})
check("by path: one item per page", [1, 1, 1, 1], [len(p["Parameters"]) for p in by_path if p["Parameters"]])
check("by path: values", ["1b", "2", "fake-c", "4"], [p["Value"] for page in by_path for p in page["Parameters"]])
limited = pages(ssm.get_paginator("get_parameters_by_path"), Path="/boto", Recursive=True,
                PaginationConfig={"PageSize": 1, "MaxItems": 3})
check("by path: MaxItems 3", 3, sum(len(p["Parameters"]) for p in limited))
check("by path: a token to resume", True, bool(limited[-1].get("NextToken")))
check_error("by path: a bad token", "InvalidNextToken", ssm.get_parameters_by_path, Path="/boto", NextToken="bogus")
check_error("by path: MaxResults 11", "ValidationException", ssm.get_parameters_by_path, Path="/boto", MaxResults=11)
check_error("by path: Name filter", "InvalidFilterKey", ssm.get_parameters_by_path, Path="/boto",
            ParameterFilters=[{"Key": "Name", "Values": ["x"]}])

got = ssm.get_parameters(Names=["/boto/a", "/boto/nope", "/boto/a:1"])
check("get_parameters: selector and invalid", [("/boto/a", None), ("/boto/a", ":1")],
      [(p["Name"], p.get("Selector")) for p in got["Parameters"]])
check("get_parameters: InvalidParameters", ["/boto/nope"], got["InvalidParameters"])
check_error("get_parameter: missing", "ParameterNotFound", ssm.get_parameter, Name="/boto/nope")

ssm.label_parameter_version(Name="/boto/a", ParameterVersion=1, Labels=["blue"])
history = pages(ssm.get_paginator("get_parameter_history"), Name="/boto/a", PaginationConfig={"PageSize": 1})
check("history: paged with labels", [(1, ["blue"]), (2, [])],
      [(p["Version"], p["Labels"]) for page in history for p in page["Parameters"]])
check("unlabel", ["blue"], ssm.unlabel_parameter_version(Name="/boto/a", ParameterVersion=1, Labels=["blue"])["RemovedLabels"])

described = pages(ssm.get_paginator("describe_parameters"),
                  ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/boto"]}],
                  PaginationConfig={"PageSize": 2})
check("describe: paged", ["/boto/a", "/boto/b", "/boto/deep/c", "/boto/deep/d"],
      [p["Name"] for page in described for p in page["Parameters"]])
check("describe: no values", False, any("Value" in p for page in described for p in page["Parameters"]))
check("describe: tag filter", ["/boto/deep/d"], [p["Name"] for p in ssm.describe_parameters(
    ParameterFilters=[{"Key": "tag:team", "Values": ["core"]}, {"Key": "Path", "Values": ["/boto/deep"]}])["Parameters"]])
check("describe: Type BeginsWith", ["/boto/a", "/boto/b", "/boto/deep/d"], [p["Name"] for p in ssm.describe_parameters(
    ParameterFilters=[{"Key": "Type", "Option": "BeginsWith", "Values": ["String"]},
                      {"Key": "Name", "Option": "BeginsWith", "Values": ["/boto"]}])["Parameters"]])
check_error("describe: bad token", "InvalidNextToken", ssm.describe_parameters, NextToken="bogus")
check_error("describe: Label key", "InvalidFilterKey", ssm.describe_parameters,
            ParameterFilters=[{"Key": "Label", "Values": ["x"]}])
check_error("describe: no values", "InvalidFilterValue", ssm.describe_parameters, ParameterFilters=[{"Key": "Type"}])

ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/boto/a", Tags=[{"Key": "k", "Value": "v"}])
check("tags", [{"Key": "k", "Value": "v"}], ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/boto/a")["TagList"])
ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/boto/a", TagKeys=["k"])
check("tags removed", [], ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/boto/a")["TagList"])
check_error("tags: bad resource type", "InvalidResourceType", ssm.list_tags_for_resource, ResourceType="Document", ResourceId="x")

check_error("16 levels", "HierarchyLevelLimitExceededException", ssm.put_parameter,
            Name="/" + "/".join("l" * 16), Value="x", Type="String")
check_error("delete by ARN", "ParameterNotFound", ssm.delete_parameter,
            Name="arn:aws:ssm:us-east-1:123456789012:parameter/boto/a")
deleted = ssm.delete_parameters(Names=["/boto/a", "/boto/b", "/boto/nope"])
check("delete_parameters", (["/boto/a", "/boto/b"], ["/boto/nope"]), (deleted["DeletedParameters"], deleted["InvalidParameters"]))

# Secrets Manager
for i in range(3):
    sm.create_secret(Name=f"boto/s{i}", SecretString=f"fake-{i}", Tags=[{"Key": "n", "Value": str(i)}])
sm.put_secret_value(SecretId="boto/s0", SecretString="fake-0b")
check("AWSPREVIOUS", "fake-0", sm.get_secret_value(SecretId="boto/s0", VersionStage="AWSPREVIOUS")["SecretString"])
listed = pages(sm.get_paginator("list_secrets"), Filters=[{"Key": "name", "Values": ["boto/"]}],
               PaginationConfig={"PageSize": 1})
check("list_secrets: paged", ["boto/s0", "boto/s1", "boto/s2"], [s["Name"] for page in listed for s in page["SecretList"]])
check("list_secrets: MaxItems", 2, sum(len(p["SecretList"]) for p in pages(
    sm.get_paginator("list_secrets"), PaginationConfig={"PageSize": 1, "MaxItems": 2})))
check("list_secrets: tag-value filter", ["boto/s2"], [s["Name"] for s in sm.list_secrets(
    Filters=[{"Key": "tag-value", "Values": ["2"]}])["SecretList"]])
check_error("list_secrets: bad token", "InvalidNextTokenException", sm.list_secrets, NextToken="bogus")
# botocore has no paginator for ListSecretVersionIds: page by hand.
first = sm.list_secret_version_ids(SecretId="boto/s0", MaxResults=1)
rest = sm.list_secret_version_ids(SecretId="boto/s0", MaxResults=1, NextToken=first["NextToken"])
check("list_secret_version_ids: paged", ([["AWSPREVIOUS"]], [["AWSCURRENT"]], False),
      ([v["VersionStages"] for v in first["Versions"]], [v["VersionStages"] for v in rest["Versions"]], "NextToken" in rest))
described = sm.describe_secret(SecretId="boto/s0")
check("describe_secret", (2, [{"Key": "n", "Value": "0"}]), (len(described["VersionIdsToStages"]), described["Tags"]))
check("describe_secret: no value", False, "SecretString" in described)
batch = sm.batch_get_secret_value(SecretIdList=["boto/s1", "boto/nope"])
check("batch_get_secret_value", (["fake-1"], ["ResourceNotFoundException"]),
      ([v["SecretString"] for v in batch["SecretValues"]], [e["ErrorCode"] for e in batch["Errors"]]))
current = sm.get_secret_value(SecretId="boto/s0")["VersionId"]
previous = sm.get_secret_value(SecretId="boto/s0", VersionStage="AWSPREVIOUS")["VersionId"]
check_error("move AWSCURRENT without RemoveFromVersionId", "InvalidParameterException", sm.update_secret_version_stage,
            SecretId="boto/s0", VersionStage="AWSCURRENT", MoveToVersionId=previous)
sm.update_secret_version_stage(SecretId="boto/s0", VersionStage="AWSCURRENT", MoveToVersionId=previous,
                               RemoveFromVersionId=current)
check("rolled back", "fake-0", sm.get_secret_value(SecretId="boto/s0")["SecretString"])
sm.update_secret(SecretId="boto/s1", SecretString="fake-1b", Description="updated")
check("update_secret", ("fake-1b", "updated"), (sm.get_secret_value(SecretId="boto/s1")["SecretString"],
                                                sm.describe_secret(SecretId="boto/s1")["Description"]))
sm.delete_secret(SecretId="boto/s2", RecoveryWindowInDays=7)
check_error("scheduled for deletion", "InvalidRequestException", sm.get_secret_value, SecretId="boto/s2")
check("restore_secret", "boto/s2", sm.restore_secret(SecretId="boto/s2")["Name"])
check("force-delete a missing secret", "boto/never", sm.delete_secret(SecretId="boto/never", ForceDeleteWithoutRecovery=True)["Name"])
check_error("get a missing secret", "ResourceNotFoundException", sm.get_secret_value, SecretId="boto/never")
check("SSM reads a secret", "fake-1b", ssm.get_parameter(Name="/aws/reference/secretsmanager/boto/s1", WithDecryption=True)["Parameter"]["Value"])
for i in range(3):
    sm.delete_secret(SecretId=f"boto/s{i}", ForceDeleteWithoutRecovery=True)
ssm.delete_parameters(Names=["/boto/deep/c", "/boto/deep/d"])

# AppConfig Data, second poll, once the interval is over: unchanged, so an empty configuration and a new token.
time.sleep(max(0.0, first_poll + 15.2 - time.monotonic()))
second = appconfig.get_latest_configuration(ConfigurationToken=next_token)
check("appconfig unchanged: an empty configuration", b"", second["Configuration"].read())
check("appconfig unchanged: the interval and a new next token", (15, True),
      (second.get("NextPollIntervalInSeconds"),
       bool(second.get("NextPollConfigurationToken")) and second.get("NextPollConfigurationToken") != next_token))
early = check_error("appconfig: a poll sooner than the interval", "BadRequestException",
                    appconfig.get_latest_configuration, ConfigurationToken=second.get("NextPollConfigurationToken"))
check("appconfig: the early poll's problem", "PollIntervalNotSatisfied",
      (early or {}).get("Details", {}).get("InvalidParameters", {}).get("ConfigurationToken", {}).get("Problem"))

print(f"boto3: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
