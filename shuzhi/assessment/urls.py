from django.urls import path

from shuzhi.assessment import settings_views, views

app_name = "assessment"
urlpatterns = [
    path("cycles/<int:cycle_id>/", views.check_list, name="list"),
    path("cycles/<int:cycle_id>/new/", views.check_new, name="new"),
    path("cycles/<int:cycle_id>/settings/", settings_views.settings_page, name="settings"),
    path("cycles/<int:cycle_id>/inspectors/", settings_views.inspector_name, name="inspector_name"),
    path(
        "cycles/<int:cycle_id>/inspectors/<int:inspector_id>/remove/",
        settings_views.inspector_remove,
        name="inspector_remove",
    ),
    path("cycles/<int:cycle_id>/methods/", settings_views.method_share, name="methods"),
    path("checks/<int:check_id>/", views.check_detail, name="check"),
    path("checks/<int:check_id>/edit/", views.check_edit, name="edit"),
    path("checks/<int:check_id>/withdraw/", views.check_withdraw, name="withdraw"),
]
