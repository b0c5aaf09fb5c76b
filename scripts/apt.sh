# apt.sh: apt_install, for the tool scripts, which set root (the
# repository) and source it (. "$root/scripts/apt.sh"). It installs
# Debian packages with apt-get, as root or with sudo, and
#   - waits up to APT_WAIT seconds (600) for a lock another apt holds:
#     DPkg::Lock::Timeout covers dpkg's lock; apt-get update's lock on the
#     package lists is not covered, so update is retried while it is held;
#   - prints one line, "installing LABEL (Debian)…", and sends apt's
#     output to .tools/logs/apt-PACKAGE.log, whose end it prints only on
#     failure.
# Callers check first whether the tool is there: installing is the only
# thing apt_install does.

apt_wait=${APT_WAIT:-600}

# apt_install LABEL PACKAGE...
apt_install() {
  apt_label=$1
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$apt_label is missing and there is no apt-get: install $* with your package manager" >&2
    return 1
  fi
  apt_sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "installing $apt_label needs root (or sudo)" >&2; return 1; }
    apt_sudo=sudo
  fi
  mkdir -p "$root/.tools/logs"
  apt_log=$root/.tools/logs/apt-$1.log
  echo "installing $apt_label (Debian)…" >&2
  if ! { apt_update && apt_get install -y -q --no-install-recommends "$@"; } >"$apt_log" 2>&1; then
    echo "could not install $apt_label; the end of $apt_log:" >&2
    tail -n 20 "$apt_log" >&2
    return 1
  fi
}

apt_get() {
  $apt_sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$apt_wait" "$@"
}

# apt_update runs apt-get update, again every 5 s while another apt holds
# the lists' lock, for up to apt_wait seconds.
apt_update() {
  apt_waited=0
  while :; do
    if apt_out=$(apt_get update -q 2>&1); then
      printf '%s\n' "$apt_out"
      return 0
    fi
    printf '%s\n' "$apt_out"
    case $apt_out in
      *"Could not get lock"*) ;;
      *) return 1 ;;
    esac
    [ "$apt_waited" -lt "$apt_wait" ] || return 1
    sleep 5
    apt_waited=$((apt_waited + 5))
  done
}
