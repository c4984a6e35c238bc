#!/usr/bin/env bash
# Re-create this folder from the npm registry (`npm pack`), as it was committed. Run from this folder:
#   bash fetch.sh
# Each package lands in <name>@<version>/ with only the files GX Data Docs load (the paths mirror the
# CDN URLs, see src/iapt_warehouse/docs_site/vendor.py) plus its licence and package.json.
# Nothing here runs at build time: `iapt docs-site` only copies the committed files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
take() {  # take <npm spec> <dir name> <file>...
    local spec=$1 dir=$2; shift 2
    (cd "$work" && npm pack "$spec" --silent > /dev/null)
    local tgz; tgz=$(ls -t "$work"/*.tgz | head -1)
    rm -rf "$work/x" && mkdir "$work/x" && tar xzf "$tgz" -C "$work/x" && rm "$tgz"
    rm -rf "${here:?}/$dir" && mkdir -p "$here/$dir"
    for f in "$@" package.json; do
        mkdir -p "$here/$dir/$(dirname "$f")"
        if [[ -d "$work/x/package/$f" ]]; then cp -r "$work/x/package/$f/." "$here/$dir/$f/"; else cp "$work/x/package/$f" "$here/$dir/$f"; fi
    done
    for lic in "$work"/x/package/LICEN[CS]E*; do [[ -e "$lic" ]] && cp "$lic" "$here/$dir/"; done
    return 0
}
take bootstrap@4.3.1 bootstrap@4.3.1 dist/css/bootstrap.min.css dist/js/bootstrap.min.js
take jquery@3.7.1 jquery@3.7.1 dist/jquery.min.js
take popper.js@1.12.9 popper.js@1.12.9 dist/umd/popper.min.js
take bootstrap-datepicker@1.9.0 bootstrap-datepicker@1.9.0 dist/css/bootstrap-datepicker.min.css dist/js/bootstrap-datepicker.min.js
take @fortawesome/fontawesome-free@6.6.0 fontawesome-free@6.6.0 css/all.min.css webfonts
take bootstrap-table@1.19.1 bootstrap-table@1.19.1 dist/bootstrap-table.min.css dist/bootstrap-table.min.js \
    dist/extensions/filter-control/bootstrap-table-filter-control.min.js dist/extensions/filter-control/bootstrap-table-filter-control.min.css
take bootstrap-table@1.19.0 bootstrap-table@1.19.0 dist/extensions/filter-control/bootstrap-table-filter-control.css \
    dist/extensions/filter-control/bootstrap-table-filter-control.min.css
take @forevolve/bootstrap-dark@1.1.0 bootstrap-dark@1.1.0 dist/css/bootstrap-prefers-dark.css
take vega@5.33.1 vega@5.33.1 build/vega.min.js
take vega-lite@5.23.0 vega-lite@5.23.0 build/vega-lite.min.js
take vega-embed@6.29.0 vega-embed@6.29.0 build/vega-embed.min.js
# the static report (iapt report): the Vega-Lite and vega-embed Altair 6.3 writes its specs for (with vega@5.33.1 above)
take vega-lite@6.4.1 vega-lite@6.4.1 build/vega-lite.min.js
take vega-embed@7.3.0 vega-embed@7.3.0 build/vega-embed.min.js
