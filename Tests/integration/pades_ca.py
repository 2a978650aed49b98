"""A test CA made with the openssl command (a root, the surety's signing certificate, a TSA certificate)
and a local RFC 3161 time-stamp authority: `openssl ts -reply` behind a small HTTP server on loopback.

The certificates are valid from 2024 to 2035, so that they hold both on the tests' injected day
(MAILBATCH_NOW, 2025) and on the machine's real day (what openssl and pyHanko use)."""
import http.server
import os
import subprocess
import tempfile
import threading

CA_CONFIG = """
[ca]
default_ca = test_ca
[test_ca]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}/issued
serial = {dir}/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationName = optional
countryName = optional
[root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[signer]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa_cert]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa]
default_tsa = tsa1
[tsa1]
dir = {dir}
serial = {dir}/tsaserial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
certs = {dir}/ca.pem
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args, cwd=None):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd)


def make(folder):
    """Writes ca.pem, signer.pem/.key and tsa.pem/.key (and the CA's files) into folder; returns the config path."""
    os.makedirs(os.path.join(folder, "issued"), exist_ok=True)
    open(os.path.join(folder, "index.txt"), "w").close()
    with open(os.path.join(folder, "serial"), "w") as fh:
        fh.write("1000\n")
    with open(os.path.join(folder, "tsaserial"), "w") as fh:
        fh.write("01\n")
    config = os.path.join(folder, "ca.cnf")
    with open(config, "w") as fh:
        fh.write(CA_CONFIG.format(dir=folder))

    def issue(name, subject, extensions, selfsign=False):
        key = os.path.join(folder, name + ".key")
        csr = os.path.join(folder, name + ".csr")
        _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                 "-out", csr, "-utf8", "-subj", subject)
        sign = ["-selfsign", "-keyfile", key] if selfsign else ["-cert", os.path.join(folder, "ca.pem"), "-keyfile",
                                                                os.path.join(folder, "ca.key")]
        _openssl("ca", "-batch", "-notext", "-config", config, *sign, "-in", csr, "-out", os.path.join(folder, name + ".pem"),
                 "-startdate", "20240101000000Z", "-enddate", "20351231000000Z", "-extensions", extensions)
        os.chmod(key, 0o600)

    issue("ca", "/CN=mailbatch test CA/O=test", "root", selfsign=True)
    issue("signer", "/CN=西日本建設業保証株式会社 電子署名/O=西日本建設業保証株式会社", "signer")
    issue("tsa", "/CN=mailbatch test TSA/O=test", "tsa_cert")
    return config


class TSA:
    """`openssl ts -reply` behind an HTTP server on a free loopback port; counts the requests it answered."""

    def __init__(self, folder, config):
        self.folder, self.config = folder, config
        self.answered = 0
        lock = threading.Lock()
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                query = self.rfile.read(int(self.headers["Content-Length"]))
                with tempfile.TemporaryDirectory() as work:
                    tsq, tsr = os.path.join(work, "q.tsq"), os.path.join(work, "r.tsr")
                    with open(tsq, "wb") as fh:
                        fh.write(query)
                    with lock:  # the serial file is shared
                        done = subprocess.run(["openssl", "ts", "-reply", "-config", tsa.config, "-queryfile", tsq,
                                               "-out", tsr], capture_output=True)
                        tsa.answered += 1
                    if done.returncode != 0:
                        self.send_response(500)
                        self.end_headers()
                        return
                    reply = open(tsr, "rb").read()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/tsa" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
