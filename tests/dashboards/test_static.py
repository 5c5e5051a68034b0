"""Vendored assets: what the package serves matches ui/'s build manifest, every bundled
package has its licence, and no template or static file loads anything from the network."""

import hashlib
import json
import re
from pathlib import Path

from daskflow.dashboards.app import STATIC_DIR
from daskflow.dashboards.context import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[2]
_REMOTE = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I)
_REMOTE_CSS = re.compile(r"""(@import|url\()\s*["']?(https?:)?//""", re.I)


def test_vendored_files_match_the_manifest():
    manifest = json.loads((STATIC_DIR / "MANIFEST.json").read_text())
    assert {"js/editor.js", "js/dag.js", "js/dag-worker.js", "vendor/htmx.min.js"} <= set(manifest)
    for name, digest in manifest.items():
        assert hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest() == digest, name
    on_disk = {
        str(p.relative_to(STATIC_DIR))
        for folder in ("js", "vendor", "licenses")
        for p in (STATIC_DIR / folder).rglob("*")
        if p.is_file()
    }
    assert on_disk == set(manifest)


def test_every_bundled_package_has_its_licence_and_is_pinned():
    package = json.loads((ROOT / "ui" / "package.json").read_text())
    lock = json.loads((ROOT / "ui" / "package-lock.json").read_text())
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    notice = (STATIC_DIR / "licenses" / "README.txt").read_text()
    for name in ("htmx.org", "codemirror", "@codemirror/view", "@lezer/yaml", "@dagrejs/dagre"):
        assert f"\n{name} " in notice


def test_no_template_or_static_file_loads_from_the_network():
    files = list(TEMPLATES_DIR.rglob("*.html")) + [STATIC_DIR / "app.js", STATIC_DIR / "app.css"]
    for path in files:
        text = path.read_text()
        assert not _REMOTE.search(text), path
        assert not _REMOTE_CSS.search(text), path
    for name in ("js/editor.js", "js/dag.js"):
        bundle = (STATIC_DIR / name).read_text()
        assert not re.search(r"""(import\(|importScripts\(|fetch\()\s*["']https?://""", bundle)


def test_static_files_are_served_with_the_security_headers(client):
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]
    assert response.headers["x-content-type-options"] == "nosniff"
