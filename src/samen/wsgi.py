import os

from django.core.wsgi import get_wsgi_application

# Production settings unless told otherwise (see samen.cli).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings.production")
application = get_wsgi_application()
