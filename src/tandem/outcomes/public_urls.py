"""Her questionnaire page, mounted at ``/q/<token>/``: the address she is sent says nothing of
what it is or who sent it (no programme, no questionnaire, no name)."""

from django.urls import path

from tandem.outcomes import public_views

app_name = "respond"

urlpatterns = [
    path("<str:token>/", public_views.questionnaire_view, name="page"),
]
