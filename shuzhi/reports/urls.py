from django.urls import path

from shuzhi.reports import views

app_name = "reports"
urlpatterns = [
    path("review/<int:review_id>/", views.editor, name="editor"),
    path("review/<int:review_id>/save/", views.save, name="save"),
    path("review/<int:review_id>/submit/", views.submit, name="submit"),
    path("review/<int:review_id>/vet/", views.vet, name="vet"),
    path("review/<int:review_id>/versions/", views.versions, name="versions"),
    path("review/<int:review_id>/report.docx", views.docx, name="docx"),
    path("review/<int:review_id>/print/", views.print_view, name="print"),
    path("quality-rules/", views.quality_rules, name="quality_rules"),
]
