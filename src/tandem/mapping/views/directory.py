from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tandem.mapping.forms import DirectoryFilterForm
from tandem.mapping.queries.registry import access_public_programme, public_programmes


@require_safe
def directory_view(request: HttpRequest) -> HttpResponse:
    """The public directory of functioning programmes; no sign-in needed."""
    form = DirectoryFilterForm(request.GET or None)
    country = region = None
    if form.is_valid():
        country, region = form.cleaned_data["country"], form.cleaned_data["region"]
    programmes = list(public_programmes(country=country, region=region))
    status = 200 if not form.is_bound or form.is_valid() else 422
    return render(request, "mapping/directory.html", {"form": form, "programmes": programmes}, status=status)


@require_safe
def programme_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_public_programme(programme_id)
    return render(request, "mapping/programme.html", {"programme": programme})
