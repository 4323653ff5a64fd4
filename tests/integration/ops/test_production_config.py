"""The generated production configuration: nginx accepts it (TLS included), and deploy/ holds the current one."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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
