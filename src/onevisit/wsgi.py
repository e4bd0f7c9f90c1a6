import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onevisit.settings")
application = get_wsgi_application()

# Build the Chinese segmenter as the worker starts, not in the first search's request.
from onevisit.search.text import segmenter_warm  # noqa: E402

segmenter_warm()
