#!/bin/sh
# deploy.sh: what `make deploy` runs around the SAM CLI.
#
#   scripts/deploy.sh check STAGE [STACK]    refuse before SAM runs: an unknown
#                                            stage, a stack name over 28
#                                            characters, sam or go missing, no
#                                            runbook URL
#   scripts/deploy.sh overrides STAGE        the stage's parameter_overrides of
#                                            samconfig.toml plus RunbookBaseUrl
#                                            and the alert subscriptions, for
#                                            sam deploy --parameter-overrides
#
# RUNBOOK_BASE_URL is where the alarms link the runbooks; without it, the
# runbooks/ directory of the git remote origin on GitHub (branch main).
# ALERT_EMAIL, when set, is subscribed to the notification topic (summaries
# and enriched alarm messages); PAGE_EMAIL, PAGE_SMS, PAGE_HTTPS_ENDPOINT to
# the page topic and TICKET_EMAIL to the ticket topic, straight from the
# alarms.
# Works from any directory: samconfig.toml is the repository's.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
config="$root/samconfig.toml"

die() { echo "deploy: $*" >&2; exit 1; }

# section STAGE prints the lines of [STAGE.deploy.parameters].
section() {
  awk -v want="[$1.deploy.parameters]" '
    /^\[/ { in_section = ($0 == want); next }
    in_section { print }' "$config"
}

# stack_name STAGE is the stage's stack_name.
stack_name() {
  section "$1" | sed -n 's/^stack_name *= *"\([^"]*\)".*/\1/p'
}

# overrides STAGE prints the quoted strings of the stage's parameter_overrides.
config_overrides() {
  section "$1" | awk '
    /^parameter_overrides *= *\[/ { on = 1 }
    on { line = $0; while (match(line, /"[^"]*"/)) { print substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH) } }
    on && /\]/ { exit }'
}

runbook_url() {
  if [ -n "${RUNBOOK_BASE_URL:-}" ]; then
    printf '%s\n' "${RUNBOOK_BASE_URL%/}"
    return
  fi
  remote=$(git -C "$root" remote get-url origin 2>/dev/null || true)
  repo=$(printf '%s\n' "$remote" | sed -n -e 's#^https://github\.com/\([^/]*/[^/]*\)$#\1#p' \
    -e 's#^git@github\.com:\([^/]*/[^/]*\)$#\1#p' -e 's#^ssh://git@github\.com/\([^/]*/[^/]*\)$#\1#p')
  repo=${repo%.git}
  [ -n "$repo" ] || return 1
  printf 'https://github.com/%s/blob/main/runbooks\n' "$repo"
}

check() {
  stage=${1:-}
  [ -n "$stage" ] || die "no stage: make deploy STAGE=dev (or prod)"
  [ -f "$config" ] || die "$config is missing"
  stack=${2:-}
  if [ -z "$stack" ]; then
    stack=$(stack_name "$stage")
    [ -n "$stack" ] || die "stage \"$stage\" has no [$stage.deploy.parameters] stack_name in samconfig.toml (stages: dev, prod)"
  fi
  # Rule names are at most 64 characters, and the template names its
  # longest rule <stack>-workflow-completed-to-notifications (36 more).
  # https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
  len=$(printf '%s' "$stack" | wc -c | tr -d ' ')
  [ "$len" -le 28 ] || die "stack name \"$stack\" is $len characters; at most 28 (its EventBridge rule names would pass 64)"
  printf '%s\n' "$stack" | grep -Eq '^[A-Za-z][A-Za-z0-9-]*$' ||
    die "stack name \"$stack\": letters, digits and hyphens, starting with a letter"
  command -v sam >/dev/null 2>&1 || die "the AWS SAM CLI (sam) is not on PATH: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"
  command -v go >/dev/null 2>&1 || die "Go (go) is not on PATH: sam build compiles the functions with the Makefile"
  runbook_url >/dev/null || die "set RUNBOOK_BASE_URL (where the alarms link the runbooks, e.g. https://github.com/OWNER/REPO/blob/main/runbooks): the git remote origin is not on GitHub"
  echo "deploy: stage $stage, stack $stack, runbooks $(runbook_url)" >&2
}

overrides() {
  stage=${1:-}
  [ -n "$(stack_name "$stage")" ] || die "stage \"$stage\" is not in samconfig.toml (stages: dev, prod)"
  out=$(config_overrides "$stage" | tr '\n' ' ')
  url=$(runbook_url) || die "set RUNBOOK_BASE_URL"
  out="${out}RunbookBaseUrl=$url"
  if [ -n "${ALERT_EMAIL:-}" ]; then
    out="$out AlertEmail=$ALERT_EMAIL"
  fi
  if [ -n "${PAGE_EMAIL:-}" ]; then
    out="$out PageEmail=$PAGE_EMAIL"
  fi
  if [ -n "${PAGE_SMS:-}" ]; then
    out="$out PageSms=$PAGE_SMS"
  fi
  if [ -n "${PAGE_HTTPS_ENDPOINT:-}" ]; then
    out="$out PageHttpsEndpoint=$PAGE_HTTPS_ENDPOINT"
  fi
  if [ -n "${TICKET_EMAIL:-}" ]; then
    out="$out TicketEmail=$TICKET_EMAIL"
  fi
  printf '%s\n' "$out"
}

case "${1:-}" in
check) shift; check "$@" ;;
overrides) shift; overrides "$@" ;;
*) echo "usage: scripts/deploy.sh check STAGE [STACK] | overrides STAGE" >&2; exit 2 ;;
esac
