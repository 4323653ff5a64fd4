"""The generated production configuration: nginx accepts it (TLS included), and deploy/ holds the current one."""

from __future__ import annotations

import base64
import contextlib
import datetime
import gzip
import hashlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.responses import PlainTextResponse

from tests.live_server import serve
from ticketapp import prod

PROJECT_DIR = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_nginx_accepts_the_generated_configuration_with_and_without_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    for tls in (False, True):
        run_dir = tmp_path / f"run-{tls}"
        layout = prod.Layout(
            run_dir=run_dir,
            static_dir=tmp_path / "static",
            listen="127.0.0.1:18443",
            backends=3,
            tls_cert=str(cert) if tls else "",
            tls_key=str(key) if tls else "",
        )
        supervisord_conf = prod.prepare(layout)
        checked = subprocess.run(
            [NGINX, "-t", "-c", str(run_dir / "nginx.conf")], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr
        site = (run_dir / "ticketapp-site.conf").read_text()
        assert site.count("server 127.0.0.1:81") == 3
        assert ("ssl_certificate " in site) is tls and ("return 301 https://" in site) is tls
        conf = supervisord_conf.read_text()
        for program in ("backend-0", "backend-1", "backend-2", "jobs-0", "scheduler", "nginx"):
            assert f"[program:{program}]" in conf
        assert conf.count("autorestart=true") == 6 and f'PROMETHEUS_MULTIPROC_DIR="{layout.metrics_dir}"' in conf


def test_deploy_nginx_site_is_the_generated_one() -> None:
    shipped = (PROJECT_DIR / "deploy" / "nginx" / "ticketapp.conf").read_text()
    assert shipped == prod.nginx_site(prod.deploy_layout()), (
        "deploy/nginx/ticketapp.conf is stale: regenerate it with python -m ticketapp serve --print-deploy-nginx"
    )


def test_serve_refuses_to_start_without_what_it_needs(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    env["REFLEX_WEB_WORKDIR"] = str(tmp_path / "web")
    done = subprocess.run(
        [str(PROJECT_DIR / ".venv/bin/python"), "-m", "ticketapp", "serve", "--prod", "--backends", "0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    for problem in ("REFLEX_REDIS_URL is not set", "DATABASE_URL is SQLite", "No compiled frontend", "at least 1"):
        assert problem in done.stderr
    assert not (tmp_path / "prod").exists()  # nothing written, nothing started
    plain = subprocess.run(
        [str(PROJECT_DIR / ".venv/bin/python"), "-m", "ticketapp", "serve"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 2 and "--prod" in plain.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:  # 304 comes as an "error" from urllib
        return error.code, dict(error.headers), ""


def _script_src(policy: str) -> list[str]:
    return policy.split("script-src ", 1)[1].split(";", 1)[0].split()


def _sha256_source(script: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"


async def _backend(scope, receive, send) -> None:
    """Stands in for the app's backends: says which path reached it."""
    await PlainTextResponse(f"backend {scope['method']} {scope['path']}")(scope, receive, send)


def test_nginx_serves_pages_with_their_script_hashes_and_passes_the_app_routes(tmp_path: Path) -> None:
    # The compiled pages' inline scripts (React Router's context differs per page): nginx allows those and
    # no other inline script, on the page and on its revalidation (304) alike.
    static = tmp_path / "build" / "client"
    static.mkdir(parents=True)
    (static / "index.html").write_text('<html lang="en"><head><script>window.home = 1;</script></head></html>')
    (static / "index.html.gz").write_bytes(gzip.compress((static / "index.html").read_bytes()))
    (static / "events.html").write_text('<script>window.events = 2;</script><script src="/assets/a.js"></script>')
    (static / "__spa-fallback.html").write_text("<html>shell</html>")
    port = _free_port()
    with serve(_backend) as backend_port:
        layout = prod.Layout(
            run_dir=tmp_path / "run",
            static_dir=static,
            listen=f"127.0.0.1:{port}",
            backends=1,
            backend_base_port=backend_port,
        )
        prod.prepare(layout)
        assert layout.static_csp_conf == tmp_path / "build" / "nginx-static-csp.conf"
        nginx = subprocess.Popen([NGINX, "-c", str(layout.run_dir / "nginx.conf")], stderr=subprocess.PIPE)
        try:
            _wait_for_port(port)
            status, headers, _ = _get(f"http://127.0.0.1:{port}/events")
            assert status == 200
            policy = headers["Content-Security-Policy"]
            hashes = sorted([_sha256_source("window.home = 1;"), _sha256_source("window.events = 2;")])
            assert _script_src(policy) == ["'self'", "'unsafe-eval'", *hashes]
            assert "frame-ancestors 'none'" in policy
            # A page differs per visitor (its language): no validator a 304 could answer with another's page.
            assert "ETag" not in headers and headers["Vary"] == "Cookie, Accept-Language"
            _assert_pages_come_in_the_visitors_language(port)
            # Sign-in's cookie link and sign-out are the backend's (served the SPA shell, sign-in never completed).
            assert _get(f"http://127.0.0.1:{port}/auth/session?ticket=x")[2] == "backend GET /auth/session"
            # The embeddable widget's script and data come from the backend, not the static pages.
            assert _get(f"http://127.0.0.1:{port}/widget/v1/ticketapp.js")[2] == "backend GET /widget/v1/ticketapp.js"
            sign_out = urllib.request.Request(f"http://127.0.0.1:{port}/auth/signout", data=b"", method="POST")
            with urllib.request.urlopen(sign_out, timeout=5) as response:
                assert response.read().decode() == "backend POST /auth/signout"
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def _assert_pages_come_in_the_visitors_language(port: int) -> None:
    """nginx writes the visitor's lang and direction into the prerendered `<html lang="en">`, gzip or not."""
    cases = [
        ({"Cookie": "lang=ar"}, '<html lang="ar" dir="rtl">'),
        ({"Cookie": "a=1; lang=fr", "Accept-Language": "de"}, '<html lang="fr" dir="ltr">'),
        ({"Accept-Language": "pt-BR, de-AT;q=0.9, en;q=0.5"}, '<html lang="de" dir="ltr">'),
        ({"Accept-Language": "fr;q=0, it;q=0.4"}, '<html lang="it" dir="ltr">'),
        ({"Cookie": "lang=xx"}, '<html lang="en" dir="ltr">'),
    ]
    for headers, tag in cases:
        for encoding in ("gzip", "identity"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/", headers={**headers, "Accept-Encoding": encoding}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                raw = response.read()
                body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
            assert body.decode().startswith(tag), (headers, encoding, body[:80])


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.05)
