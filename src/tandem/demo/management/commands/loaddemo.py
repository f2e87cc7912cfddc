from typing import Any

from django.core.management.base import BaseCommand

from tandem.core import events
from tandem.demo import cases, cohort, groups, outcomes, registry, survey, survivors, world


class Command(BaseCommand):
    help = "Load the deterministic synthetic demo world (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = groups.with_sign_ins(world.build())
        registry.build()
        surveyed = survey.build()
        cases.build()
        groups.build()
        survivors.build()
        cohort.build()
        questionnaires = outcomes.build()
        # What the worker would do next: the answers waiting for review become the reviewers' work.
        while events.deliver_pending():
            pass
        self.stdout.write(f"Demo sign-ins (password for all: {world.DEMO_PASSWORD}):")
        shown = [
            s
            for s in sign_ins
            if s.username.startswith(("al.", "network.", "platform.")) or s.username == "rs.coordinator"
        ]
        for sign_in in shown:
            role = sign_in.role.label if sign_in.role is not None else "Platform administrator"
            self.stdout.write(f"  {sign_in.username:<22} {role:<30} {sign_in.organisation}")
        self.stdout.write(
            f"  ... and the same roles for ba., xk., me., mk., rs. ({len(sign_ins)} demo accounts in all);"
        )
        self.stdout.write("  al.coordinator2, al.coordinator3 (and so on) answer for the country's further providers.")
        rounds = " and ".join(f'"{name}"' for name, _created in surveyed.rounds)
        self.stdout.write(
            f"Survey rounds {rounds} (the second open until {survey.ROUNDS[-1].closes_on.isoformat()}), "
            f"run by network.analyst; al.coordinator can still answer for {survey.OPEN_FOR_AL_COORDINATOR}."
        )
        self.stdout.write(
            "Case work: al.coordinator under Cases, Safety overview and Referrals to decide; "
            "al.facilitator.w on the cases; al.referrer1 (a court) under Referrals."
        )
        reviewers = ", ".join(f"{username} reviews {code}" for code, username in surveyed.reviewers.items())
        self.stdout.write(f"  Reviewers in both rounds: {reviewers} (and network.analyst any country).")
        self.stdout.write(
            "Group work: al.coordinator under Groups (a finished, a running and a planned group; Men waiting "
            "for a group), Facilitators and Fidelity of group work; al.facilitator.w records her sessions."
        )
        self.stdout.write(
            "Survivor side: al.partner-support under Partners (consent, contact, signals, the work for the "
            "partners' safety); al.admin sees an access alert under Your work."
        )
        self.stdout.write(
            "Outcomes: al.coordinator under Outcomes (the report, benchmarks), al.admin the data-sharing "
            "agreement and contributions, network.analyst the benchmarks and the contribution log; "
            "al.partner-support on a partner's Outcome questionnaires."
        )
        for path in questionnaires.links[:1]:
            self.stdout.write(f"  A partner's questionnaire link, sent by SMS (it works once): {path}")
