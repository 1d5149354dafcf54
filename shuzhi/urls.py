from django.contrib import admin
from django.urls import include, path

from shuzhi.api.urls import api
from shuzhi.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("shuzhi.accounts.urls")),
    path("orgs/", include("shuzhi.orgs.urls")),
    path("audit/", include("shuzhi.audit.urls")),
    path("cycles/", include("shuzhi.cycles.urls")),
    path("reports/", include("shuzhi.reports.urls")),
    path("", include("shuzhi.voting.urls")),  # meetings/<id>/vote/… and reviews/<id>/result/
    path("meetings/<int:meeting_id>/vote-design/", include("shuzhi.voting.urls_design")),
    path("cycles/<int:cycle_id>/ballot-form/", include("shuzhi.voting.urls_cycle_form")),
    path("v/", include("shuzhi.voting.urls_ballot")),
    path("meetings/", include("shuzhi.meetings.urls")),
    path("attachments/", include("shuzhi.attachments.urls")),
    path("assessment/", include("shuzhi.assessment.urls")),
    path("evaluation/", include("shuzhi.evaluation.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("shuzhi.core.urls")),
]

# The error pages in the site's layout and in Chinese (shuzhi.core.errors).
handler400 = "shuzhi.core.errors.bad_request"
handler403 = "shuzhi.core.errors.permission_denied"
handler404 = "shuzhi.core.errors.page_not_found"
handler500 = "shuzhi.core.errors.server_error"
