from django.urls import path

from shuzhi.orgs import import_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/edit/", views.edit, name="edit"),
    path("<int:org_id>/move/", views.move, name="move"),
    path("<int:org_id>/deactivate/", views.set_active, {"active": False}, name="deactivate"),
    path("<int:org_id>/reactivate/", views.set_active, {"active": True}, name="reactivate"),
    path("<int:org_id>/positions/new/", views.appoint, name="appoint"),
    path("positions/<int:position_id>/end/", views.end_position, name="end_position"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/deactivate/", views.person_set_active, {"active": False}, name="person_deactivate"),
    path("people/<int:person_id>/reactivate/", views.person_set_active, {"active": True}, name="person_reactivate"),
    path("people/<int:person_id>/password/", views.person_reset_password, name="person_reset_password"),
    path("people/<int:person_id>/unlock/", views.person_unlock, name="person_unlock"),
    path("import/", import_views.import_page, name="import"),
    path("import/template.xlsx", import_views.template_download, name="import_template"),
]
