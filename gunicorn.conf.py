"""gunicorn settings for every deployment (docker-compose, the Dockerfile, the README's commands).

gunicorn reads ./gunicorn.conf.py by itself when started from the project folder; the Dockerfile and
docker-compose also name it. The access log keeps the method, the path without its query string, the
status, the size and the time: a query string can hold a staff search term (a child's name), and the
Referer header repeats whole URLs, so neither is written (HIPAA 164.312(b): logs without health data).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
