#!/usr/bin/env bash
# Checks the Ansible role: the example playbook parses, and the configuration template renders
# awkward values (quotes, backslashes, braces, non-ASCII) into JSON that holds exactly them and
# that the program accepts (the role validates with --check-config too), with and without a
# PostgreSQL store.
# Usage: check-ansible.sh ANSIBLE_DIR OUT_DIR BINARY
# Exit status 77 (skipped) without ansible-playbook (Debian package ansible-core).
set -euo pipefail

ansible_dir=$(cd "$1" && pwd)
out=$2
binary=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)

command -v ansible-playbook >/dev/null || {
    echo "SKIP: ansible-playbook not found (install ansible-core)"
    exit 77
}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
export ANSIBLE_HOME=$out/home ANSIBLE_LOCAL_TEMP=$out/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_ROLES_PATH=$ansible_dir/roles ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook --syntax-check -i localhost, "$ansible_dir/playbook.yml"
ansible-playbook -i localhost, "$here/ansible-render.yml" \
    -e "role_dir=$ansible_dir/roles/dmarc_metrics_exporter" -e "out_dir=$out"
python3 -m json.tool "$out/dmarc-metrics-exporter.json" >/dev/null
"$binary" --check-config --configuration "$out/dmarc-metrics-exporter.json" >/dev/null
# The files the role's tasks put beside a configuration with a PostgreSQL store.
printf 'secret' >"$out/database.password"
printf 'a CA certificate\n' >"$out/database-ca.pem"
"$binary" --check-config --configuration "$out/dmarc-metrics-exporter-database.json" >/dev/null
echo "PASS: the role's template writes configurations the program accepts, SQLite and PostgreSQL"
