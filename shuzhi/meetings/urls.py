from django.urls import path

from shuzhi.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/edit/", views.edit, name="edit"),
    path("<int:meeting_id>/agenda/", views.agenda, name="agenda"),
    path("<int:meeting_id>/agenda/move/", views.move, name="move"),
    path("<int:meeting_id>/screen/", views.screen, name="screen"),
    path("<int:meeting_id>/comments/", views.comments, name="comments"),
]
