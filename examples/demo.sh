#!/usr/bin/env bash
# The main job on the bundled example data: inspect and verify a proxy, read
# certificates, parse DNs and audit file modes. Times are fixed with --at so the output
# is reproducible.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p gridauth-cli || exit 2
g=target/debug/gridauth
d=examples/data
at=1800000000   # 2027-01-15T08:00:00Z

run() { echo; echo "\$ gridauth $*"; "$g" "$@"; echo "(exit $?)"; }

run proxy info --file "$d/x509up_example" --at "$at"
run proxy verify --file "$d/x509up_example" --ca-dir "$d/certificates" --at "$at"
run proxy verify --file "$d/x509up_example" --ca-dir "$d/certificates" --at 2600000000 --json
run cert info "$d/hostcert.pem"
run cert hash "$d/certificates/"*.0
run dn parse '/DC=ch/DC=cern/OU=computers/CN=tw/vocms0118.cern.ch' --json
run audit "$d/userkey.pem" --role key
exit 0
