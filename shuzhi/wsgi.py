import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzhi.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Load jieba's dictionary for the report quality check, so the first secretary who saves a report
    after a restart does not wait several seconds for it."""
    from shuzhi.reports import quality

    quality.check_report(quality.ReportText((), "我带头讲党课。", "", ""))


# "now": in this process before serving (gunicorn.conf.py sets it: the master loads the application
# once and the workers inherit the dictionary); "thread": in the background (the default, e.g. for
# a server that imports this module in each worker); "off": not at all.
_mode = os.environ.get("SHUZHI_WARM_UP", "thread")
if _mode == "now":
    warm_up()
elif _mode == "thread":
    threading.Thread(target=warm_up, name="quality-warm-up", daemon=True).start()
