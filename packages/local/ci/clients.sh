#!/usr/bin/env bash
# The CLI server driven by clients nobody here wrote: the AWS CLI, then boto3 (boto3_sequence.py). Starts
# `middy-secrets-local` on an OS-chosen port, evals the export lines it prints, runs every operation it answers,
# paging with --page-size/--max-items, errors by name, and ends with one line: `cli+boto3: N passed, M failed`.
# Needs the package built (npm run build) and `aws` and python3 with boto3 on PATH.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../bin/middy-secrets-local.js"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

node "$bin" --port 0 --seed "$here/seed.json" --data "$work/data.json" >"$work/exports" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do grep -q AWS_SECRET_ACCESS_KEY "$work/exports" 2>/dev/null && break; sleep 0.1; done
if ! grep -q AWS_SECRET_ACCESS_KEY "$work/exports"; then
  cat "$work/server.log" >&2
  echo 'cli+boto3: 0 passed, 1 failed (the server did not start)'
  exit 1
fi
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER='' AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
# shellcheck disable=SC1091
source "$work/exports"

# The export lines are all a current AWS CLI or boto3 needs (botocore 1.31 and later read AWS_ENDPOINT_URL_<SERVICE>).
# An older one (Debian's packages) gets the endpoint on its command line instead.
if ! python3 -c 'import sys, botocore; sys.exit(0 if tuple(map(int, botocore.__version__.split(".")[:2])) >= (1, 31) else 1)'; then
  echo "botocore older than 1.31: passing --endpoint-url explicitly" >&2
  aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL_SSM" "$@"; }
fi

passed=0
failed=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); printf 'FAIL %s\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3" >&2; fi
}
check_error() { # check_error NAME ERROR_NAME aws ARGS… — the call must fail with that error name
  local name=$1 error=$2 out
  shift 2
  if out=$("$@" 2>&1); then
    failed=$((failed + 1)); printf 'FAIL %s: succeeded, expected %s\n' "$name" "$error" >&2
  elif [[ "$out" == *"($error)"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); printf 'FAIL %s: expected %s, got: %s\n' "$name" "$error" "$out" >&2
  fi
}
text() { aws "$@" --output text; }
# A paged listing in text mode prints one line per page: `lines` counts them, `joined` puts the items on one line.
lines() { wc -l | tr -d ' '; }
joined() { tr '\n\t' '  ' | sed 's/ *$//'; }

# AppConfig Data: a session's second poll must wait out its interval (15 s at least, as AWS). The first poll runs
# here, the second after the SSM and Secrets Manager checks, sleeping only what is left of the interval.
echo '--- AWS CLI: AppConfig Data (first poll)'
flags='{"beta":{"enabled":true},"greeting":"héllo ✓"}'
session() { # session PROFILE: a new session on ci/prod/PROFILE, polled no sooner than every 15 s
  text appconfigdata start-configuration-session --application-identifier ci --environment-identifier prod \
    --configuration-profile-identifier "$1" --required-minimum-poll-interval-in-seconds 15 --query InitialConfigurationToken
}
poll() { # poll TOKEN FILE: the configuration into FILE; prints interval, content type, version label, next token
  text appconfigdata get-latest-configuration --configuration-token="$1" "$2" \
    --query '[NextPollIntervalInSeconds, ContentType, VersionLabel, NextPollConfigurationToken]'
}
now_ms() { date +%s%3N; }
initial=$(session flags)
check 'start-configuration-session: a token' 'yes' "$([ -n "$initial" ] && echo yes || echo no)"
IFS=$'\t' read -r interval type label next < <(poll "$initial" "$work/flags.1")
first_poll=$(now_ms)
check 'get-latest-configuration: the configuration written to the file' "$flags" "$(cat "$work/flags.1")"
check 'get-latest-configuration: interval, content type, version label' '15 application/json v1' "$interval $type $label"
check 'get-latest-configuration: a next token, not the one sent' 'yes' "$([ -n "$next" ] && [ "$next" != "$initial" ] && echo yes || echo no)"
check_error 'a token used twice' BadRequestException aws appconfigdata get-latest-configuration --configuration-token="$initial" "$work/reused"
check_error 'a made-up token' BadRequestException aws appconfigdata get-latest-configuration --configuration-token=bogus "$work/bogus"
check_error 'a profile that does not exist' ResourceNotFoundException aws appconfigdata start-configuration-session \
  --application-identifier ci --environment-identifier prod --configuration-profile-identifier nope
check_error 'an application that does not exist' ResourceNotFoundException aws appconfigdata start-configuration-session \
  --application-identifier nope --environment-identifier prod --configuration-profile-identifier flags
IFS=$'\t' read -r _ type _ _ < <(poll "$(session banner)" "$work/banner")
check 'a text/plain profile' 'Welcome text/plain' "$(cat "$work/banner") $type"

echo '--- AWS CLI: SSM'
check 'seeded parameter' 'postgres://db.local' "$(text ssm get-parameter --name /ci/app/db-url --query Parameter.Value)"
check 'put a String' '1' "$(text ssm put-parameter --name /ci/new --value one --type String --query Version)"
check_error 'put without --type on a new name' ValidationException aws ssm put-parameter --name /ci/untyped --value x
check 'overwrite without --type keeps the type' '2	String' "$(text ssm put-parameter --name /ci/new --value two --overwrite --query '[Version,Tier]' | sed 's/Standard/String/')"
check 'the type after the overwrite' 'String' "$(text ssm get-parameter --name /ci/new --query Parameter.Type)"
check 'put a SecureString' '1' "$(text ssm put-parameter --name /ci/app/token --value fake-token --type SecureString --query Version)"
check 'decrypted' 'fake-token' "$(text ssm get-parameter --name /ci/app/token --with-decryption --query Parameter.Value)"
check 'not decrypted: not the value' 'hidden' "$(text ssm get-parameter --name /ci/app/token --query Parameter.Value | grep -q fake-token && echo shown || echo hidden)"
check 'data type aws:ec2:image' 'aws:ec2:image' "$(aws ssm put-parameter --name /ci/ami --value ami-0123456789abcdef0 --type String --data-type aws:ec2:image >/dev/null && text ssm get-parameter --name /ci/ami --query Parameter.DataType)"
check 'get-parameters: found and invalid' '/ci/app/db-url /ci/new|/ci/nope' "$(aws ssm get-parameters --names /ci/new /ci/nope /ci/app/db-url --query '[join(`" "`, Parameters[].Name), join(`" "`, InvalidParameters)]' --output text | tr '\t' '|')"
paged=$(text ssm get-parameters-by-path --path /ci/app --recursive --page-size 1 --query 'join(`" "`, Parameters[].Name)')
check 'by path, --page-size 1: every item' '/ci/app/db-url /ci/app/db/host /ci/app/db/port /ci/app/token' "$(joined <<<"$paged")"
check 'by path, --page-size 1: one page each' '4' "$(lines <<<"$paged")"
check 'by path, one level' '/ci/app/db-url /ci/app/token' "$(text ssm get-parameters-by-path --path /ci/app --query 'join(`" "`, Parameters[].Name)')"
check 'by path, --max-items 2 hands back a token' '2 yes' "$(aws ssm get-parameters-by-path --path /ci/app --recursive --max-items 2 --output json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["Parameters"]), "yes" if d.get("NextToken") else "no")')"
check 'by path, Type filter with BeginsWith' '/ci/app/token' "$(text ssm get-parameters-by-path --path /ci/app --recursive --with-decryption --parameter-filters Key=Type,Option=BeginsWith,Values=Secure --query 'join(`" "`, Parameters[].Name)')"
check 'label a version' '1' "$(text ssm label-parameter-version --name /ci/new --parameter-version 1 --labels prod --query ParameterVersion)"
check 'read by label' 'one' "$(text ssm get-parameter --name /ci/new:prod --query Parameter.Value)"
check 'read by version' 'two' "$(text ssm get-parameter --name /ci/new:2 --query Parameter.Value)"
check 'history, --page-size 1' '1:prod 2:' "$(aws ssm get-parameter-history --name /ci/new --page-size 1 --output json | python3 -c 'import json,sys; print(" ".join("%d:%s" % (p["Version"], ",".join(p["Labels"])) for p in json.load(sys.stdin)["Parameters"]))')"
check 'unlabel' 'prod' "$(text ssm unlabel-parameter-version --name /ci/new --parameter-version 1 --labels prod --query 'join(`" "`, RemovedLabels)')"
check_error 'the label is gone' ParameterVersionNotFound aws ssm get-parameter --name /ci/new:prod
paged=$(text ssm describe-parameters --page-size 2 --query 'join(`" "`, Parameters[].Name)')
check 'describe, --page-size 2: every item' '/ci/ami /ci/app/db-url /ci/app/db/host /ci/app/db/port /ci/app/token /ci/new /ci/seeded/flags' "$(joined <<<"$paged")"
check 'describe, --page-size 2: four pages' '4' "$(lines <<<"$paged")"
check 'describe, --max-items 3' '3' "$(aws ssm describe-parameters --max-items 3 --output json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Parameters"]))')"
check 'describe, Type BeginsWith' '/ci/app/token' "$(text ssm describe-parameters --parameter-filters Key=Type,Option=BeginsWith,Values=Secure --query 'join(`" "`, Parameters[].Name)')"
check 'describe, Path recursive' '/ci/app/db/host /ci/app/db/port' "$(text ssm describe-parameters --parameter-filters Key=Path,Option=Recursive,Values=/ci/app/db --query 'join(`" "`, Parameters[].Name)')"
check_error 'describe, Label is not a DescribeParameters filter' InvalidFilterKey aws ssm describe-parameters --parameter-filters Key=Label,Values=prod
check_error 'describe, Equals on Path' InvalidFilterOption aws ssm describe-parameters --parameter-filters Key=Path,Option=Equals,Values=/ci
aws ssm add-tags-to-resource --resource-type Parameter --resource-id /ci/new --tags Key=team,Value=core Key=env,Value=dev
check 'tags added' 'env=dev team=core' "$(aws ssm list-tags-for-resource --resource-type Parameter --resource-id /ci/new --output json | python3 -c 'import json,sys; print(" ".join(sorted("%s=%s" % (t["Key"], t["Value"]) for t in json.load(sys.stdin)["TagList"])))')"
aws ssm remove-tags-from-resource --resource-type Parameter --resource-id /ci/new --tag-keys env
check 'tag removed' 'team' "$(text ssm list-tags-for-resource --resource-type Parameter --resource-id /ci/new --query 'join(`" "`, TagList[].Key)')"
check_error 'tags of a missing parameter' InvalidResourceId aws ssm list-tags-for-resource --resource-type Parameter --resource-id /ci/nope
check_error '16 levels' HierarchyLevelLimitExceededException aws ssm put-parameter --name /a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p --value x --type String
check_error 'a reserved name' ValidationException aws ssm put-parameter --name /aws/mine --value x --type String
check_error 'delete by ARN' ParameterNotFound aws ssm delete-parameter --name arn:aws:ssm:us-east-1:123456789012:parameter/ci/ami
check 'delete-parameters' '/ci/ami|/ci/nope' "$(aws ssm delete-parameters --names /ci/ami /ci/nope --query '[join(`" "`, DeletedParameters), join(`" "`, InvalidParameters)]' --output text | tr '\t' '|')"
aws ssm delete-parameter --name /ci/new
check_error 'deleted' ParameterNotFound aws ssm get-parameter --name /ci/new

echo '--- AWS CLI: Secrets Manager'
check 'seeded secret' 'fake-seeded' "$(text secretsmanager get-secret-value --secret-id ci/seeded --query SecretString)"
check 'create' 'ci/db' "$(text secretsmanager create-secret --name ci/db --secret-string v1 --description 'the db' --query Name)"
aws secretsmanager put-secret-value --secret-id ci/db --secret-string v2 >/dev/null
check 'AWSPREVIOUS' 'v1' "$(text secretsmanager get-secret-value --secret-id ci/db --version-stage AWSPREVIOUS --query SecretString)"
check 'describe: two labelled versions' '2	the db' "$(text secretsmanager describe-secret --secret-id ci/db --query '[length(keys(VersionIdsToStages)), Description]')"
check 'SSM reads the secret' 'v2' "$(text ssm get-parameter --name /aws/reference/secretsmanager/ci/db --with-decryption --query Parameter.Value)"
check 'SSM reads AWSPREVIOUS' 'v1	:AWSPREVIOUS' "$(text ssm get-parameter --name /aws/reference/secretsmanager/ci/db:AWSPREVIOUS --with-decryption --query '[Parameter.Value,Parameter.Selector]')"
check_error 'SSM needs decryption for a secret' ValidationException aws ssm get-parameter --name /aws/reference/secretsmanager/ci/db
paged=$(text secretsmanager list-secrets --page-size 1 --query 'join(`" "`, SecretList[].Name)')
check 'list-secrets, --page-size 1: every item' 'ci/db ci/seeded' "$(joined <<<"$paged")"
check 'list-secrets, --page-size 1: one page each' '2' "$(lines <<<"$paged")"
check 'list-secrets, --max-items 1' '1 yes' "$(aws secretsmanager list-secrets --max-items 1 --output json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["SecretList"]), "yes" if d.get("NextToken") else "no")')"
check 'list-secrets, name filter' 'ci/seeded' "$(text secretsmanager list-secrets --filters Key=name,Values=ci/s --query 'join(`" "`, SecretList[].Name)')"
check 'list-secret-version-ids' '2' "$(text secretsmanager list-secret-version-ids --secret-id ci/db --query 'length(Versions)')"
v1=$(text secretsmanager get-secret-value --secret-id ci/db --version-stage AWSPREVIOUS --query VersionId)
v2=$(text secretsmanager get-secret-value --secret-id ci/db --query VersionId)
aws secretsmanager update-secret-version-stage --secret-id ci/db --version-stage AWSCURRENT --move-to-version-id "$v1" --remove-from-version-id "$v2" >/dev/null
check 'rolled back' 'v1' "$(text secretsmanager get-secret-value --secret-id ci/db --query SecretString)"
check 'update-secret makes a new current version' 'v3' "$(aws secretsmanager update-secret --secret-id ci/db --secret-string v3 >/dev/null && text secretsmanager get-secret-value --secret-id ci/db --query SecretString)"
aws secretsmanager delete-secret --secret-id ci/db --recovery-window-in-days 7 >/dev/null
check_error 'scheduled for deletion' InvalidRequestException aws secretsmanager get-secret-value --secret-id ci/db
check 'restore' 'ci/db' "$(text secretsmanager restore-secret --secret-id ci/db --query Name)"
check 'readable again' 'v3' "$(text secretsmanager get-secret-value --secret-id ci/db --query SecretString)"
check 'force-delete a missing secret' 'never-was' "$(text secretsmanager delete-secret --secret-id never-was --force-delete-without-recovery --query Name)"
check_error 'a missing secret' ResourceNotFoundException aws secretsmanager describe-secret --secret-id never-was
aws secretsmanager delete-secret --secret-id ci/db --force-delete-without-recovery >/dev/null
check_error 'force-deleted' ResourceNotFoundException aws secretsmanager get-secret-value --secret-id ci/db

echo '--- AWS CLI: AppConfig Data (second poll, after the interval)'
left=$((first_poll + 15200 - $(now_ms)))
if [ "$left" -gt 0 ]; then sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"; fi
IFS=$'\t' read -r interval _ _ again < <(poll "$next" "$work/flags.2")
check 'unchanged: an empty configuration' '0' "$(wc -c <"$work/flags.2" | tr -d ' ')"
check 'unchanged: the interval and a new next token' '15 yes' "$interval $([ -n "$again" ] && [ "$again" != "$next" ] && echo yes || echo no)"
check_error 'a poll sooner than the interval' BadRequestException aws appconfigdata get-latest-configuration --configuration-token="$again" "$work/early"

echo '--- boto3'
boto=$(python3 "$here/boto3_sequence.py" 2>&1)
status=$?
echo "$boto"
boto_passed=$(sed -n 's/^boto3: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$boto")
boto_failed=$(sed -n 's/^boto3: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$boto")
if [ -z "$boto_passed" ] || [ "$status" -ne 0 ] && [ "${boto_failed:-0}" -eq 0 ]; then boto_failed=$((${boto_failed:-0} + 1)); fi
passed=$((passed + ${boto_passed:-0}))
failed=$((failed + ${boto_failed:-0}))

echo '--- stop (SIGINT) and restart from --data'
kill -INT "$server"
wait "$server"
check 'SIGINT exits 0' '0' "$?"
node "$bin" --port 0 --data "$work/data.json" >"$work/exports2" 2>>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do grep -q AWS_SECRET_ACCESS_KEY "$work/exports2" 2>/dev/null && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$work/exports2"
check 'a write survives the restart' 'fake-token' "$(text ssm get-parameter --name /ci/app/token --with-decryption --query Parameter.Value)"
check 'labels survive the restart' 'v1' "$(text ssm get-parameter --name /ci/seeded/flags:old --query Parameter.Value)"
poll "$(session flags)" "$work/flags.3" >/dev/null
check 'AppConfig profiles survive the restart' "$flags" "$(cat "$work/flags.3")"
kill -TERM "$server"
wait "$server"
check 'SIGTERM exits 0' '0' "$?"

echo "cli+boto3: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
