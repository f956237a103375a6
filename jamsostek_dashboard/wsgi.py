"""WSGI entry point: ``gunicorn jamsostek_dashboard.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamsostek_dashboard.settings")
application = get_wsgi_application()
