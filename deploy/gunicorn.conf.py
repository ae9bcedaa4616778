"""gunicorn settings for kyodo (docs/deploy.md): gunicorn -c deploy/gunicorn.conf.py config.wsgi

GUNICORN_BIND and GUNICORN_WORKERS in /etc/kyodo/kyodo.env change the two things that differ
between machines; the rest holds for every server.
"""

import multiprocessing
import os

# nginx on the same machine talks to 127.0.0.1:8000. Behind a load balancer on another
# machine, bind to this server's private address and list the balancer below.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: one request per process. Printing a PDF holds a worker for about a second,
# so keep at least two; more than 2 x cores only adds memory.
workers = int(os.environ.get("GUNICORN_WORKERS") or max(2, multiprocessing.cpu_count() + 1))

# An Excel import of 2,000 rows takes ~12 s; leave a wide margin (nginx waits as long).
timeout = 120
graceful_timeout = 30
# WeasyPrint and openpyxl leave memory behind: recycle each worker now and then.
max_requests = 1000
max_requests_jitter = 100

# Only these may set X-Forwarded-Proto/-For for gunicorn (Django reads them itself through
# SECURE_PROXY_SSL_HEADER and KYODO_BEHIND_PROXY, and nginx always overwrites them).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, which systemd keeps in the journal (journalctl -u kyodo).
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The client's address as nginx saw it, and no query string: search terms can be personal.
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss "%(a)s"'

# The heartbeat file lives in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"
# gunicornc's control socket in systemd's RuntimeDirectory (/run/kyodo), not in $HOME.
control_socket = os.path.join(os.environ.get("RUNTIME_DIRECTORY", "/run/kyodo"), "gunicorn.ctl")
