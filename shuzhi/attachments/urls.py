from django.urls import path

from shuzhi.attachments import views

app_name = "attachments"
urlpatterns = [
    path("preparation-items/<int:item_id>/", views.preparation_item_files, name="preparation_item"),
    path("<int:attachment_id>/download", views.download, name="download"),
    path("<int:attachment_id>/withdraw/", views.withdraw, name="withdraw"),
]
