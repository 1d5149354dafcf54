"""The year's ballot form, mounted at /cycles/<cycle_id>/ballot-form/ (org dept only)."""

from django.urls import path

from shuzhi.voting import views_design

app_name = "cycle_ballot_form"
urlpatterns = [
    path("", views_design.cycle_form, name="edit"),
    path("preview/", views_design.cycle_form_preview, name="preview"),
]
