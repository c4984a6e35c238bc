"""Offline copies of the files GX Data Docs load from CDNs, and the link rewriting that points at them.

GX renders Data Docs pages that load Bootstrap, jQuery, Popper, bootstrap-table, bootstrap-datepicker,
Font Awesome, bootstrap-dark and Vega from CDNs, and its logo from an S3 bucket (with a tracking query
string). The exact files are committed under `docs/site_assets/vendor/<package>@<version>/` (from the npm
registry, see the README there); `rewrite_site` points every such URL at them, and `external_references`
lists whatever still loads from the network so the build can fail with the list.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

# CDN URL (exact, or a prefix ending in "/") -> path under the vendor folder. "gx:" paths are GX's own
# static files inside the Data Docs site (the S3 logos have a local equivalent there).
URL_MAP: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap@4.3.1/dist/css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap@4.3.1/dist/js/bootstrap.min.js"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js@1.12.9/dist/umd/popper.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker@1.9.0/dist/css/bootstrap-datepicker.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker@1.9.0/dist/js/bootstrap-datepicker.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free@6.6.0/css/all.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/": "bootstrap-table@1.19.1/",
    "https://unpkg.com/bootstrap-table@1.19.0/": "bootstrap-table@1.19.0/",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/": "bootstrap-dark@1.1.0/",
    # jsDelivr serves a bare "npm/<pkg>@<major>" as the package's `jsdelivr` file of the newest release.
    "https://cdn.jsdelivr.net/npm/vega@5": "vega@5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite@5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed@6.29.0/build/vega-embed.min.js",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "gx:static/images/logo-long.png",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": (
        "gx:static/images/logo-long.png"
    ),
}

_ATTR_URL = re.compile(r"""(?P<attr>\b(?:src|href)\s*=\s*)(?P<q>["'])(?P<url>(?:https?:)?//[^"']*)(?P=q)""", re.I)
_LOCAL_STATIC = re.compile(
    r"""(?P<attr>\b(?:src|href)\s*=\s*)(?P<q>["'])(?P<url>(?:\./|\.\./)*static/[^"'#?]*)(?P=q)"""
)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_INTEGRITY = re.compile(r"""\s+integrity\s*=\s*(?P<q>["'])(?P<value>[^"']*)(?P=q)""", re.I)
_CROSSORIGIN = re.compile(r"""\s+crossorigin(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>(?:https?:)?//[^"')]+)(?P=q)\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?P<q>["'])(?P<url>(?:https?:)?//[^"']+)(?P=q)""", re.I)
# Attributes that make the browser fetch something when the page loads (an <a href> does not).
_LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("embed", "src"),
            ("video", "src"), ("audio", "src"), ("input", "src"), ("object", "data"), ("link", "href")}  # fmt: skip


@dataclass(frozen=True)
class ExternalRef:
    """A URL a page or stylesheet would fetch from the network."""

    file: Path
    tag: str
    url: str


def _is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def vendor_path(url: str) -> str | None:
    """The vendored path for a CDN URL (query string ignored), or None when not vendored."""
    bare = url.replace("&amp;", "&").split("?", 1)[0].split("#", 1)[0]
    if bare in URL_MAP:
        return URL_MAP[bare]
    for prefix, target in URL_MAP.items():
        if prefix.endswith("/") and bare.startswith(prefix):
            return target + bare[len(prefix) :]
    return None


def _local_target(url: str, file: Path, gx_root: Path, vendor_root: Path) -> str | None:
    mapped = vendor_path(url)
    if mapped is None:
        return None
    target = gx_root / mapped[3:] if mapped.startswith("gx:") else vendor_root / mapped
    if not target.is_file():
        return None
    return Path(os.path.relpath(target, file.parent)).as_posix()


class VendorError(ValueError):
    """A vendored file is not the one the page asked for (its integrity hash differs)."""


def _sri_matches(integrity: str, path: Path) -> bool:
    data = path.read_bytes()
    for token in integrity.split():
        algo, _, expected = token.partition("-")
        if algo in {"sha256", "sha384", "sha512"}:
            actual = base64.b64encode(hashlib.new(algo, data).digest()).decode()
            if actual == expected:
                return True
    return False


def _rewrite_tag(tag: str, file: Path, gx_root: Path, vendor_root: Path) -> tuple[str, int]:
    """One start tag with its vendored URL made local. A subresource-integrity hash is checked at build
    time, then dropped with `crossorigin`: a browser refuses both on file:// pages."""
    match = _ATTR_URL.search(tag)
    if match is None:
        return _repair_static(tag, file, gx_root)
    local = _local_target(match["url"], file, gx_root, vendor_root)
    if local is None:
        return tag, 0
    integrity = _INTEGRITY.search(tag)
    if integrity is not None:
        target = (file.parent / local).resolve()
        if not _sri_matches(integrity["value"], target):
            raise VendorError(f"{target} does not match the integrity hash {file.name} gives for {match['url']}")
        tag = tag.replace(integrity[0], "")
    tag = _CROSSORIGIN.sub("", tag)
    tag = _ATTR_URL.sub(lambda m: f"{m['attr']}{m['q']}{local}{m['q']}", tag, count=1)
    return tag, 1


def _repair_static(tag: str, file: Path, gx_root: Path) -> tuple[str, int]:
    """GX writes `../../../static/...` on validation pages four folders deep: point such a broken link
    to the site's `static/` folder."""
    match = _LOCAL_STATIC.search(tag)
    if match is None or (file.parent / match["url"]).exists():
        return tag, 0
    target = gx_root / match["url"][match["url"].index("static/") :]
    if not target.is_file():
        return tag, 0
    local = Path(os.path.relpath(target, file.parent)).as_posix()
    return tag.replace(match[0], f"{match['attr']}{match['q']}{local}{match['q']}"), 1


def rewrite_site(gx_root: Path, vendor_root: Path) -> int:
    """Point every vendored CDN URL in the HTML and CSS under `gx_root` at the local copy; returns rewrites."""
    count = 0
    for file in sorted(gx_root.rglob("*")):
        if file.suffix not in {".html", ".css"} or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")

        def html_tag(match: re.Match[str], file: Path = file) -> str:
            nonlocal count
            tag, n = _rewrite_tag(match[0], file, gx_root, vendor_root)
            count += n
            return tag

        def css(match: re.Match[str], file: Path = file) -> str:
            nonlocal count
            local = _local_target(match["url"], file, gx_root, vendor_root)
            if local is None:
                return match[0]
            count += 1
            return match[0].replace(match["url"], local)

        new = _TAG.sub(html_tag, text) if file.suffix == ".html" else text
        new = _CSS_IMPORT.sub(css, _CSS_URL.sub(css, new))
        if new != text:
            file.write_text(new, encoding="utf-8")
    return count


class _RefCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.local: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in _LOADING and _is_external(value.strip()):
                self.refs.append((tag, value.strip()))
            elif (tag, name) in _LOADING and value.strip() and not value.strip().startswith(("data:", "#")):
                self.local.append((tag, value.strip()))
            if name == "style":
                self.styles.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False


def external_references(root: Path, skip_local_check: tuple[str, ...] = ()) -> list[ExternalRef]:
    """Everything under `root` (HTML tags and inline styles, CSS files) that would load from the network,
    and every local file a page loads that is not there (except in the top folders `skip_local_check`)."""
    found: list[ExternalRef] = []
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.suffix not in {".html", ".css"}:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        styles = [text]
        if file.suffix == ".html":
            collector = _RefCollector()
            collector.feed(text)
            found += [ExternalRef(file, tag, url) for tag, url in collector.refs]
            styles = collector.styles
            check_local = file.relative_to(root).parts[0] not in skip_local_check
            for tag, url in collector.local if check_local else []:
                path = url.split("#", 1)[0].split("?", 1)[0]
                if path and not (file.parent / unquote(path)).exists():
                    found.append(ExternalRef(file, f"{tag}, missing file", url))
        for style in styles:
            for pattern in (_CSS_URL, _CSS_IMPORT):
                found += [ExternalRef(file, "css", m["url"]) for m in pattern.finditer(style)]
    return found
