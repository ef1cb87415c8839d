#!/usr/bin/env bash
# Installs the system packages the tests need, from Debian's archive, when they are missing:
# a Java runtime for the HermiT OWL reasoner (owlready2), Chromium for the site's browser tests and
# Virtuoso 7.2.5 (virtuoso-opensource), the second SPARQL store tests/test_virtuoso.py publishes to.
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
virtuoso=no
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  need+=(virtuoso-opensource)
  virtuoso=yes
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$virtuoso" = yes ]; then
  # The package asks for the password of its own database's dba user; answer with a random one nobody
  # needs (the tests start their own Virtuoso on a database in a temporary folder). debconf clears it
  # again after the install.
  password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  debconf-set-selections <<EOF
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password $password
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password $password
EOF
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ "$virtuoso" = yes ]; then
  # The package starts a system service on ports 1111 and 8890 and enables it at boot: stop and disable
  # it, so nothing stays running (the tests need none of it).
  if [ -x /etc/init.d/virtuoso-opensource-7 ]; then
    /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
  fi
fi
echo "system-deps: installed ${need[*]}"
