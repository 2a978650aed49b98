"""A real Postfix (Debian's package), started by the tests in its own configuration and queue
folders on a free loopback port (`postfix -c DIR start`), never the system's instance:

- recipients in `bounce.test` go to Postfix's `error` transport (5.1.1), so Postfix's own bounce
  daemon writes a real RFC 3464 report to the envelope sender;
- recipients in `delay.test` go to the `retry` transport (4.4.1), and with a 1-second
  `delay_warning_time` Postfix sends a real "delayed" report;
- the return-path domain `bounces.mailbatch.test` is delivered by the `virtual` agent into a
  Maildir (`bounces@…`, with `recipient_delimiter = +`, so `bounces+TOKEN@…` lands there too);
- everything else is relayed to the test's aiosmtpd.
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time

RETURN_DOMAIN = "bounces.mailbatch.test"
RETURN_PATH = "bounces+{token}@" + RETURN_DOMAIN


def available():
    return shutil.which("postfix") is not None or os.path.exists("/usr/sbin/postfix")


class PostfixRelay:
    def __init__(self, smtpd_port, relay_port):
        self.port = smtpd_port
        self.relay_port = relay_port
        # Not under pytest's 0700 tmp folder: the virtual agent (as nobody) must reach the Maildir.
        self.base = tempfile.mkdtemp(prefix="mailbatch-postfix-", dir="/tmp")
        os.chmod(self.base, 0o755)
        self.conf = os.path.join(self.base, "conf")
        self.queue = os.path.join(self.base, "queue")
        self.maildir = os.path.join(self.base, "mail", "bounces")
        self.log = os.path.join(self.base, "maillog")

    def start(self):
        os.makedirs(self.conf)
        os.makedirs(self.queue, mode=0o755)
        nobody = pwd.getpwnam("nobody")
        os.makedirs(os.path.join(self.base, "mail"), mode=0o755)
        os.chown(os.path.join(self.base, "mail"), nobody.pw_uid, nobody.pw_gid)
        with open(os.path.join(self.conf, "transport"), "w") as fh:
            fh.write("bounce.test error:5.1.1 The mailbox does not exist (test relay)\n")
            fh.write("delay.test retry:4.4.1 The mailbox is temporarily unavailable (test relay)\n")
        with open(os.path.join(self.conf, "virtual-mailboxes"), "w") as fh:
            fh.write(f"bounces@{RETURN_DOMAIN} bounces/\n")
        with open(os.path.join(self.conf, "main.cf"), "w") as fh:
            fh.write(f"""compatibility_level = 3.6
queue_directory = {self.queue}
data_directory = {self.base}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.mailbatch.test
mydomain = mailbatch.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:{self.relay_port}
transport_maps = texthash:{self.conf}/transport
virtual_mailbox_domains = {RETURN_DOMAIN}
virtual_mailbox_base = {self.base}/mail
virtual_mailbox_maps = texthash:{self.conf}/virtual-mailboxes
virtual_uid_maps = static:{nobody.pw_uid}
virtual_gid_maps = static:{nobody.pw_gid}
recipient_delimiter = +
maillog_file = {self.log}
maillog_file_prefixes = {self.base}
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtp_dns_support_level = disabled
delay_warning_time = 1s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
bounce_queue_lifetime = 1d
maximal_queue_lifetime = 1d
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
""")
        lines = []
        for line in open("/etc/postfix/master.cf"):
            fields = line.split()
            if line[:1] not in ("#", " ", "\t") and len(fields) >= 8:
                if fields[0] == "smtp" and fields[1] == "inet":
                    fields[0] = f"127.0.0.1:{self.port}"
                    fields.append("-o rewrite_service_name=rewrite-smtpd")
                fields[4] = "n"  # no chroot: the private queue folder has no /etc copies
                line = " ".join(fields) + "\n"
            lines.append(line)
        # smtpd would refuse recipients routed to `error` at RCPT time; these must be accepted first and
        # bounce afterwards, like a remote mailbox that does not exist. So smtpd resolves addresses
        # through its own trivial-rewrite without the transport table, and the queue manager with it.
        lines.append("rewrite-smtpd unix - - n - - trivial-rewrite -o transport_maps=\n")
        with open(os.path.join(self.conf, "master.cf"), "w") as fh:
            fh.writelines(lines)
        self._allow_config_directory()
        subprocess.run(["postfix", "-c", self.conf, "start"], check=True, capture_output=True, text=True)
        self._wait_listening()
        return self

    def _allow_config_directory(self):
        """`postfix -c DIR` wants DIR in alternate_config_directories of the default main.cf."""
        default = "/etc/postfix/main.cf"
        if not os.path.exists(default):
            with open(default, "w") as fh:
                fh.write("# written by mailbatch's integration tests (Tests/integration/postfix_relay.py)\ncompatibility_level = 3.6\n")
        current = subprocess.run(["postconf", "-c", "/etc/postfix", "-h", "alternate_config_directories"],
                                 capture_output=True, text=True).stdout.strip()
        dirs = [d for d in current.replace(",", " ").split() if os.path.isdir(d)]
        if self.conf not in dirs:
            dirs.append(self.conf)
        subprocess.run(["postconf", "-c", "/etc/postfix", "-e", "alternate_config_directories = " + " ".join(dirs)], check=True)

    def _wait_listening(self):
        import socket
        deadline = time.time() + 20
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("postfix did not start listening; log:\n" + self.log_text())

    def stop(self):
        subprocess.run(["postfix", "-c", self.conf, "stop"], capture_output=True)
        time.sleep(0.3)
        shutil.rmtree(self.base, ignore_errors=True)

    def log_text(self):
        return open(self.log, errors="replace").read() if os.path.exists(self.log) else "(no log)"

    def flush(self):
        subprocess.run(["postqueue", "-c", self.conf, "-f"], capture_output=True)

    def maildir_new(self):
        return sorted(glob.glob(os.path.join(self.maildir, "new", "*")))

    def wait_for_reports(self, count, timeout=60):
        """Waits until the Maildir's new/ holds at least `count` messages."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.maildir_new()) >= count:
                return self.maildir_new()
            time.sleep(0.2)
        raise AssertionError(f"Postfix delivered {len(self.maildir_new())} report(s), expected {count}; log:\n" + self.log_text()[-4000:])
