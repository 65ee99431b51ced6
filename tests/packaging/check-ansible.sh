#!/usr/bin/env bash
# Checks the Ansible role: the example playbook parses, and the configuration template renders
# awkward values (quotes, backslashes, braces, non-ASCII) into JSON that holds exactly them.
# Usage: check-ansible.sh ANSIBLE_DIR OUT_DIR
# Exit status 77 (skipped) without ansible-playbook (Debian package ansible-core).
set -euo pipefail

ansible_dir=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)

command -v ansible-playbook >/dev/null || {
    echo "SKIP: ansible-playbook not found (install ansible-core)"
    exit 77
}
rm -rf "$out"
mkdir -p "$out"
export ANSIBLE_HOME=$out/home ANSIBLE_LOCAL_TEMP=$out/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_ROLES_PATH=$ansible_dir/roles ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

ansible-playbook --syntax-check -i localhost, "$ansible_dir/playbook.yml"
ansible-playbook -i localhost, "$here/ansible-render.yml" \
    -e "role_dir=$ansible_dir/roles/dmarc_metrics_exporter" -e "out_dir=$out"
python3 -m json.tool "$out/dmarc-metrics-exporter.json" >/dev/null
echo "PASS: the role's template writes valid JSON"
