"""A real install: `scripts/install --prefix` runs from that prefix with no build folder in reach,
the units pass `systemd-analyze verify`, and the .deb installs, runs a batch as the user mailbatch
and removes cleanly (keeping the spool). Builds the release binary once (several minutes)."""
import glob
import os
import pwd
import re
import shutil
import subprocess
import urllib.request

import pytest

from conftest import ROOT, SAMPLES, Workspace

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("dpkg-deb"), reason="needs root and dpkg (CI runs as root)")


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    base = tmp_path_factory.mktemp("prefix")
    stage = str(base / "stage")
    result = subprocess.run([os.path.join(ROOT, "scripts", "install"), "--prefix", "/opt/mailbatch-test", "--destdir", stage],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    # The installed tree is moved to where its prefix says, and run from there.
    if os.path.exists("/opt/mailbatch-test"):
        shutil.rmtree("/opt/mailbatch-test")
    shutil.copytree(stage + "/opt/mailbatch-test", "/opt/mailbatch-test", symlinks=True)
    yield "/opt/mailbatch-test"
    shutil.rmtree("/opt/mailbatch-test", ignore_errors=True)


def test_install_layout(prefix):
    assert os.access(f"{prefix}/bin/mailbatch", os.X_OK)
    assert os.path.exists(f"{prefix}/share/mailbatch/orderers.toml")
    assert glob.glob(f"{prefix}/share/mailbatch/templates/*.mustache")
    assert os.path.exists(f"{prefix}/share/mailbatch/templates/viewer/certificate.mustache")
    assert os.path.exists(f"{prefix}/share/mailbatch/templates/viewer/viewer.css")
    pages = sorted(os.path.basename(p) for p in glob.glob(f"{prefix}/share/man/man1/*.1"))
    assert "mailbatch.1" in pages and "mailbatch-run.1" in pages and "mailbatch-bounce.1" in pages
    assert "mailbatch-desk.1" in pages and "mailbatch-desk-user.1" in pages and "mailbatch-desk-user-add.1" in pages
    assert os.path.exists(f"{prefix}/share/mailbatch/templates/desk/desk.css")
    man = subprocess.run(["man", "-l", f"{prefix}/share/man/man1/mailbatch-run.1"], capture_output=True, text=True,
                         env=dict(os.environ, MANPAGER="cat", COLUMNS="100")) if shutil.which("man") else None
    if man is not None:
        assert "spool/incoming" in man.stdout
    assert "_mailbatch" in open(f"{prefix}/share/bash-completion/completions/mailbatch").read()
    assert "#compdef mailbatch" in open(f"{prefix}/share/zsh/vendor-completions/_mailbatch").read()
    assert "complete -c 'mailbatch'" in open(f"{prefix}/share/fish/vendor_completions.d/mailbatch.fish").read()
    version = subprocess.run([f"{prefix}/bin/mailbatch", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.strip()[0].isdigit()
    service = open(f"{prefix}/lib/systemd/system/mailbatch.service").read()
    assert f"ExecStart={prefix}/bin/mailbatch run --quiet" in service
    # --man=no: the pages are under the test's prefix, not in man's search path.
    viewer_unit = open(f"{prefix}/lib/systemd/system/mailbatch-viewer.service").read()
    assert f"ExecStart={prefix}/bin/mailbatch serve --listen 127.0.0.1:8080" in viewer_unit
    desk_unit = open(f"{prefix}/lib/systemd/system/mailbatch-desk.service").read()
    assert f"ExecStart={prefix}/bin/mailbatch desk --listen 127.0.0.1:8081" in desk_unit
    verify = subprocess.run(["systemd-analyze", "verify", "--man=no", f"{prefix}/lib/systemd/system/mailbatch.service",
                             f"{prefix}/lib/systemd/system/mailbatch.timer", f"{prefix}/lib/systemd/system/mailbatch-viewer.service",
                             f"{prefix}/lib/systemd/system/mailbatch-desk.service"],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    assert "mailbatch.service" not in verify.stderr, verify.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"{prefix}/lib/systemd/system/mailbatch.service"],
                              capture_output=True, text=True)
    exposure = float(security.stdout.split("Overall exposure level for mailbatch.service:")[1].split()[0])
    assert exposure <= 2.0, security.stdout[-2000:]
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"{prefix}/lib/systemd/system/mailbatch-viewer.service"],
                              capture_output=True, text=True)
    exposure = float(security.stdout.split("Overall exposure level for mailbatch-viewer.service:")[1].split()[0])
    assert exposure <= 2.0, security.stdout[-2000:]
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"{prefix}/lib/systemd/system/mailbatch-desk.service"],
                              capture_output=True, text=True)
    exposure = float(security.stdout.split("Overall exposure level for mailbatch-desk.service:")[1].split()[0])
    assert exposure <= 2.0, security.stdout[-2000:]


def test_runs_from_the_prefix_without_the_build_folder(prefix, tmp_path, smtp):
    controller, handler, received = smtp
    ws = Workspace(str(tmp_path / "ws"), controller.port, received)
    ws.drop_samples()
    # A copy of the binary outside the build folder, with no build path anywhere in its reach.
    env = dict(os.environ)
    env.pop("MAILBATCH_DATA", None)
    run = subprocess.run([f"{prefix}/bin/mailbatch", "run", "--config", ws.config], capture_output=True, text=True, env=env, cwd="/")
    assert run.returncode in (0, 1), run.stdout + run.stderr
    assert ws.messages()
    # Data missing: a clear error, not a crash.
    lonely = str(tmp_path / "lonely")
    os.makedirs(lonely)
    shutil.copy(f"{prefix}/bin/mailbatch", lonely)
    broken = subprocess.run([f"{lonely}/mailbatch", "orderers", "--config", ws.config], capture_output=True, text=True, env=env)
    assert broken.returncode == 2
    assert "not found" in broken.stderr and "reinstall" in broken.stderr and "MAILBATCH_DATA" in broken.stderr


def test_the_debian_package(tmp_path, smtp, prefix):
    controller, handler, received = smtp
    out = str(tmp_path / "deb")
    built = subprocess.run([os.path.join(ROOT, "scripts", "package"), "--out", out], capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stdout + built.stderr  # includes lintian --fail-on error
    deb = built.stdout.strip().splitlines()[-1]
    info = subprocess.run(["dpkg-deb", "--info", deb], capture_output=True, text=True).stdout
    assert "Package: mailbatch" in info and "conffiles" in info
    contents = subprocess.run(["dpkg-deb", "--contents", deb], capture_output=True, text=True).stdout
    for path in ["./usr/bin/mailbatch", "./usr/share/mailbatch/orderers.toml", "./etc/mailbatch/mailbatch.toml",
                 "./usr/lib/systemd/system/mailbatch.timer",
                 "./usr/lib/systemd/system/mailbatch-viewer.service", "./usr/share/mailbatch/templates/viewer/form.mustache", "./usr/share/man/man1/mailbatch.1.gz"]:
        assert path in contents, path

    # A run that failed half-way may have left the package, its spool or its user behind.
    subprocess.run(["dpkg", "--purge", "mailbatch"], capture_output=True)
    shutil.rmtree("/var/spool/mailbatch", ignore_errors=True)
    subprocess.run(["userdel", "mailbatch"], capture_output=True)
    install = subprocess.run(["dpkg", "-i", deb], capture_output=True, text=True)
    try:
        assert install.returncode == 0, install.stdout + install.stderr
        user = pwd.getpwnam("mailbatch")
        st = os.stat("/var/spool/mailbatch")
        assert st.st_uid == user.pw_uid and st.st_mode & 0o777 == 0o700
        # Point the installed configuration at the test's SMTP server and run a batch as the user.
        config = open("/etc/mailbatch/mailbatch.toml").read().replace("smtp://127.0.0.1:25", f"smtp://127.0.0.1:{controller.port}")
        open("/etc/mailbatch/mailbatch.toml", "w").write(config)
        as_user = ["runuser", "-u", "mailbatch", "--", "/usr/bin/mailbatch"]
        doctor = subprocess.run(as_user + ["doctor"], capture_output=True, text=True, cwd="/",
                                env=dict(os.environ, MAILBATCH_CONFIG="/etc/mailbatch/mailbatch.toml"))
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        incoming = "/var/spool/mailbatch/incoming"
        for path in sorted(glob.glob(os.path.join(SAMPLES, "*.json"))):
            shutil.copy(path, incoming)
            os.chown(os.path.join(incoming, os.path.basename(path)), user.pw_uid, user.pw_gid)
        run = subprocess.run(as_user + ["run", "--config", "/etc/mailbatch/mailbatch.toml"], capture_output=True, text=True, cwd="/")
        assert run.returncode in (0, 1), run.stdout + run.stderr
        assert os.listdir("/var/spool/mailbatch/contracts")
        assert glob.glob(os.path.join(received, "*.eml"))
        # The viewer from the installed layout, as the user its unit names (started directly as that user,
        # not through runuser, so that SIGTERM reaches the server as systemd would send it).
        serve = subprocess.Popen(["/usr/bin/mailbatch", "serve", "--listen", "127.0.0.1:0", "--config", "/etc/mailbatch/mailbatch.toml"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/", user="mailbatch", group="mailbatch",
                                 extra_groups=[], env=dict(os.environ, HOME="/var/spool/mailbatch"))
        line = serve.stdout.readline()
        try:
            url = re.search(r"listening on (http://\S+)", line).group(1)
            assert "保証契約番号" in urllib.request.urlopen(url, timeout=10).read().decode()
        finally:
            serve.terminate()
        assert serve.wait(timeout=15) == 0, serve.stderr.read()
    finally:
        remove = subprocess.run(["dpkg", "-r", "mailbatch"], capture_output=True, text=True)
    assert remove.returncode == 0, remove.stderr
    assert not os.path.exists("/usr/bin/mailbatch")
    assert os.path.isdir("/var/spool/mailbatch/contracts")  # the spool stays
    subprocess.run(["dpkg", "--purge", "mailbatch"], capture_output=True)
    shutil.rmtree("/var/spool/mailbatch", ignore_errors=True)
    subprocess.run(["userdel", "mailbatch"], capture_output=True)
