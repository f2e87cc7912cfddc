from django.urls import path

from tandem.mapping import views

app_name = "mapping"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<int:programme_id>/", views.programme_view, name="programme"),
]
