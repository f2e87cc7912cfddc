from django.db import models

from tandem.core.crypto import EncryptedTextField
from tandem.core.models import Organisation
from tandem.core.roles import Compartment
from tandem.core.scoping import ScopedModel


class ProgrammeRecord(ScopedModel):
    compartment = Compartment.PROGRAMME
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    label = models.CharField(max_length=100)


class SurvivorRecord(ScopedModel):
    compartment = Compartment.SURVIVOR
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    name = EncryptedTextField()
    address = EncryptedTextField(blank=True)


class UndeclaredRecord(ScopedModel):
    """Declares no compartment: the policy must show it to no one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
