#!/bin/sh
# Fails when a translation misses a string: runs lupdate over the sources into a copy of each
# .ts file and looks for entries left unfinished (or only partly translated plurals). The English
# file (the sources' language) holds only the plural forms.
# Usage: check-translations.sh LUPDATE SOURCE_DIR TS_FILE...
set -eu
lupdate=$1
source_dir=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for ts in "$@"; do
    copy="$work/$(basename "$ts")"
    cp "$ts" "$copy"
    case "$ts" in
    *_en.ts) only=-pluralonly ;;
    *) only= ;;
    esac
    # shellcheck disable=SC2086 # no option at all when empty
    "$lupdate" -silent -no-obsolete -locations none $only "$source_dir/ui" \
        "$source_dir/app/desktop.cpp" -ts "$copy" >/dev/null
    unfinished=$(grep -c 'type="unfinished"' "$copy" || true)
    messages=$(grep -c '<message' "$copy" || true)
    echo "$(basename "$ts"): $messages messages, $unfinished unfinished"
    if [ "$unfinished" -ne 0 ] || [ "$messages" -eq 0 ]; then
        grep -B3 'type="unfinished"' "$copy" | grep '<source>' | head -20
        status=1
    fi
done
exit $status
