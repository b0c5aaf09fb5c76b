#!/bin/sh
# awscli.sh install: the AWS CLI v2 from Debian's awscli package
# (/usr/bin/aws), which the endpoint's and the runbooks' tests drive as
# a real client. Idempotent: nothing runs when /usr/bin/aws is Debian's.
# Another aws on PATH (pip's v1, say) is left alone: the tests call
# /usr/bin/aws by its path (ALCHEMISER_AWS_CLI overrides it).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/apt.sh"

case ${1:-} in
install)
  if [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2\.'; then
    exit 0
  fi
  apt_install "the AWS CLI v2" awscli
  ;;
*)
  echo "usage: scripts/awscli.sh install" >&2
  exit 2
  ;;
esac
