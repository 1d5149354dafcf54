import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzhi.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load jieba's dictionary for the report quality check in the background, so the first secretary
    who saves a report after a restart does not wait several seconds for it."""
    from shuzhi.reports import quality

    quality.check_report(quality.ReportText((), "我带头讲党课。", "", ""))


threading.Thread(target=_warm_up, name="quality-warm-up", daemon=True).start()
