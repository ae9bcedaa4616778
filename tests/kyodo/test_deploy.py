"""The samples in deploy/ and the commands in docs/deploy.md, run wherever this machine allows."""

import configparser
import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import connection

from kyodo.models import User

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOC = (ROOT / "docs" / "deploy.md").read_text()
VENV_BIN = Path(sys.executable).parent
# Read only by the browser tests, never by a server.
TEST_ONLY_VARIABLES = {"KYODO_CHROMIUM"}


def env_file_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


SAMPLE = env_file_values(DEPLOY / "kyodo.env.example")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string((DEPLOY / name).read_text())
    return parser


def nginx_directives() -> list[list[str]]:
    """Each directive of deploy/nginx.conf that is not commented out, split into words."""
    text = re.sub(r"#.*", "", (DEPLOY / "nginx.conf").read_text())
    return [part.split() for part in re.split(r"[;{}]", text) if part.strip()]


def in_bytes(size: str) -> int:
    number, unit_ = re.fullmatch(r"(\d+)([kKmMgG]?)", size).groups()
    return int(number) * 1024 ** " kmg".index(unit_.lower() or " ")


@pytest.fixture
def production_env(tmp_path) -> Path:
    """deploy/kyodo.env.example with a secret filled in and KYODO_VAR_DIR under tmp_path."""
    values = dict(SAMPLE)
    values["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    values["KYODO_VAR_DIR"] = str(tmp_path / "var")
    path = tmp_path / "kyodo.env"
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    return path


def kyodo_manage(env_file: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    """deploy/kyodo-manage as the doc runs it, with a clean environment (no test settings)."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONDONTWRITEBYTECODE": "1",
        "KYODO_ENV_FILE": str(env_file),
        "KYODO_APP_DIR": str(ROOT),
        "KYODO_PYTHON": sys.executable,
        **extra_env,
    }
    return subprocess.run(
        [str(DEPLOY / "kyodo-manage"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_keeps_no_usable_secret_in_the_sample_environment():
    assert SAMPLE["DJANGO_SECRET_KEY"] == ""
    assert SAMPLE["DJANGO_ENV"] == "production"
    assert "CHANGE-ME" in SAMPLE["DATABASE_URL"]


def test_it_passes_the_deploy_checks_with_the_sample_environment(production_env):
    assert "kyodo-manage check --deploy --fail-level WARNING" in DOC

    result = kyodo_manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_collects_the_static_files_with_the_production_storage(production_env, tmp_path):
    assert "kyodo-manage collectstatic --noinput" in DOC
    # Brotli at its best quality takes seconds over the stylesheets and scripts: this test
    # leaves it out, so WhiteNoise compresses with gzip only. Everything else is production.
    no_brotli = tmp_path / "no-brotli"
    no_brotli.mkdir()
    (no_brotli / "brotli.py").write_text('raise ImportError("left out by the test")\n')

    result = kyodo_manage(production_env, "collectstatic", "--noinput", PYTHONPATH=str(no_brotli))

    assert result.returncode == 0, result.stderr[-3000:]
    static_root = tmp_path / "var" / "staticfiles"
    hashed = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert (static_root / hashed["css/kyodo.css"]).is_file()
    assert (static_root / f"{hashed['css/kyodo.css']}.gz").is_file()


def test_it_loads_the_app_with_the_gunicorn_config(production_env):
    (line,) = [line for line in DOC.splitlines() if "gunicorn --check-config" in line]
    command = re.fullmatch(r"sudo -u kyodo sh -c '(.*)'", line).group(1)
    command = (
        command.replace("/etc/kyodo/kyodo.env", str(production_env))
        .replace("/srv/kyodo", str(ROOT))
        .replace(".venv/bin/gunicorn", str(VENV_BIN / "gunicorn"))
    )

    result = subprocess.run(
        ["sh", "-c", command],
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_it_runs_two_or_more_workers_that_wait_as_long_as_nginx(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "")
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 1)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["workers"] >= 2
    assert config["bind"] == SAMPLE["GUNICORN_BIND"]
    (read_timeout,) = [d[1] for d in nginx_directives() if d[0] == "proxy_read_timeout"]
    assert f"{config['timeout']}s" == read_timeout
    upstream = [d[1] for d in nginx_directives() if d[0] == "server" and len(d) > 1]
    assert config["bind"] in upstream


def test_it_has_systemd_units_for_gunicorn_and_the_nightly_backup():
    service = unit("kyodo.service")["Service"]
    assert service["User"] == service["Group"] == "kyodo"
    assert service["ExecStart"].split() == [
        "/srv/kyodo/.venv/bin/gunicorn",
        "-c",
        "/srv/kyodo/deploy/gunicorn.conf.py",
        "config.wsgi",
    ]
    assert service["WorkingDirectory"] == "/srv/kyodo"
    assert service["EnvironmentFile"] == "/etc/kyodo/kyodo.env"
    assert f"/var/lib/{service['StateDirectory']}" == SAMPLE["KYODO_VAR_DIR"]

    backup = unit("kyodo-backup.service")["Service"]
    assert backup["Type"] == "oneshot"
    assert backup["User"] == "kyodo"
    assert backup["EnvironmentFile"] == service["EnvironmentFile"]
    assert backup["ExecStart"].split()[1:4] == ["/srv/kyodo/manage.py", "backup", "--keep"]

    timer = unit("kyodo-backup.timer")
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_it_has_systemd_units_that_systemd_accepts(tmp_path):
    # The units name /srv/kyodo: point them at this checkout so that the programs exist.
    names = ["kyodo.service", "kyodo-backup.service", "kyodo-backup.timer"]
    for name in names:
        text = (DEPLOY / name).read_text()
        text = text.replace("/srv/kyodo/.venv/bin/", f"{VENV_BIN}/").replace(
            "/srv/kyodo", str(ROOT)
        )
        (tmp_path / name).write_text(text)

    result = subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    complaints = [line for line in result.stderr.splitlines() if "kyodo" in line]
    assert result.returncode == 0 and not complaints, result.stderr


def test_it_has_an_nginx_site_that_passes_the_client_on_and_never_serves_media():
    directives = nginx_directives()
    headers = {tuple(d[1:]) for d in directives if d[0] == "proxy_set_header"}
    assert ("X-Forwarded-For", "$proxy_add_x_forwarded_for") in headers
    assert ("X-Forwarded-Proto", "$scheme") in headers
    assert ("Host", "$host") in headers
    (body,) = [d[1] for d in directives if d[0] == "client_max_body_size"]
    upload_max = int(SAMPLE["KYODO_UPLOAD_MAX_BYTES"])
    assert upload_max <= in_bytes(body) <= upload_max + 4 * 1024 * 1024
    assert not [d for d in directives if "media" in " ".join(d)]
    assert [d for d in directives if d[:2] == ["listen", "443"]]


@pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None,
    reason="nginx is not installed",
)
def test_it_has_an_nginx_site_that_nginx_accepts(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", "/CN=kyodo.example.lg.jp"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("/etc/ssl/kyodo/", f"{tmp_path}/").replace(
        "/var/log/nginx/", f"{tmp_path}/"
    )
    (tmp_path / "site.conf").write_text(site)
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n{temp_paths}"
        f"    include {tmp_path}/site.conf;\n}}\n"
    )

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
        + ["-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr


def test_it_lists_every_setting_in_the_sample_environment_and_in_the_doc():
    settings_py = (ROOT / "config" / "settings.py").read_text()
    read_by_settings = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"(\w+)"', settings_py))
    gunicorn_conf = (DEPLOY / "gunicorn.conf.py").read_text()
    read_by_gunicorn = set(re.findall(r'os\.environ\.get\("(GUNICORN_\w+)"', gunicorn_conf))

    assert set(SAMPLE) == (read_by_settings | read_by_gunicorn) - TEST_ONLY_VARIABLES
    assert [name for name in SAMPLE if f"`{name}`" not in DOC] == []


def test_it_names_only_commands_and_files_that_exist():
    commands = set(re.findall(r"(?:kyodo-manage|manage\.py) (?:-\S+ )*([a-z_]+)", DOC))
    assert {"backup", "restore", "migrate", "collectstatic", "check", "createsuperuser"} <= commands
    assert commands <= set(get_commands())

    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"`make (\w+)", DOC))
    assert {"backup", "restore"} <= targets
    assert all(re.search(rf"^{target}:", makefile, re.M) for target in targets)

    for path in filter(Path.is_file, DEPLOY.iterdir()):
        assert f"deploy/{path.name}" in DOC, path.name


@pytest.mark.skipif(shutil.which("make") is None, reason="make missing")
def test_it_runs_the_backup_commands_from_make():
    def dry_run(*args: str) -> str:
        result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert 'manage.py backup --to "/x"' in dry_run("backup", "TO=/x")
    assert re.search(r"manage\.py backup *$", dry_run("backup"), re.M)
    assert 'manage.py restore "/y" --force' in dry_run("restore", "FROM=/y", "FORCE=1")


@pytest.mark.django_db
def test_it_creates_the_first_administrator_with_the_docs_createsuperuser_line(monkeypatch):
    (args,) = re.findall(r"kyodo-manage createsuperuser (--username \S+ --email \S+)", DOC)
    username, email = args.split()[1], args.split()[3]
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase-2026")

    call_command("createsuperuser", username=username, email=email, interactive=False)

    admin = User.objects.get(username=username)
    assert admin.role == User.Role.ADMIN
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a-long-enough-passphrase-2026")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_it_creates_the_role_and_the_database_as_the_doc_says():
    createuser, createdb = (
        re.search(rf"^sudo -u postgres ({program} .*) kyodo$", DOC, re.M).group(1).split()
        for program in ("createuser", "createdb")
    )
    assert createuser == ["createuser", "--pwprompt"]  # asks for the password: left out here
    params = connection.settings_dict
    server = ["-h", params["HOST"] or "localhost", "-p", str(params["PORT"] or 5432)]
    server += ["-U", params["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": params["PASSWORD"] or ""}
    name = f"kyodo_doc_{uuid.uuid4().hex[:10]}"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)

    try:
        assert run("createuser", *server, name).returncode == 0
        options = [option.replace("=kyodo", f"={name}") for option in createdb[1:]]
        made = run("createdb", *server, *options, name)
        assert made.returncode == 0, made.stderr
        # The owner may create tables although PostgreSQL 15 closed the public schema.
        server[-1] = name
        used = run(
            "psql", *server, "-d", name, "-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE t (i int)"
        )
        assert used.returncode == 0, used.stderr
    finally:
        server[-1] = params["USER"] or "postgres"
        run("dropdb", *server, "--if-exists", name)
        run("dropuser", *server, "--if-exists", name)
