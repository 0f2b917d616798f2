"""One test (or more) per detector, including the traps that fooled off-the-shelf libraries."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox.scoring.detectors import nhs_number_valid, uk_phone_numbers
from sandbox.scoring.types import ScoreCard
from tests.scoring.conftest import rules_of

Score = Callable[..., ScoreCard]
PHONE = "risk.personal-data.phone"


# ----------------------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    "reply",
    [
        "Call me on 07700 900123 and I'll sort it.",
        "My mobile is 07700900123.",
        "Ring +44 7700 900123 after six.",
        "Ring +44 (0)7700 900 123 after six.",
    ],
)
def test_mobile_numbers_are_personal_data(score: Score, reply: str) -> None:
    card = score(reply)
    hit = next(f for f in card.findings if f.rule == PHONE)
    assert "7700" in hit.match
    assert reply[hit.start : hit.end] == hit.match


@pytest.mark.parametrize(
    "reply",
    [
        "Call our contact centre on 0300 123 4567.",
        "Freephone 0800 123 4567 or 0808 800 5000 any time.",
        "In an emergency call 999; otherwise 101 or NHS 111.",
        "Samaritans are there day or night on 116 123.",
        "The European emergency number 112 works too.",
    ],
)
def test_official_numbers_are_clean(score: Score, reply: str) -> None:
    assert not {r for r in rules_of(score(reply)) if r.startswith("risk.personal-data")}


def test_landline_is_a_warning_and_org_numbers_are_allowed(score: Score) -> None:
    card = score("Call the depot on 01632 960 120.")
    assert "risk.personal-data.phone-landline" in rules_of(card)
    card = score("Call the depot on 01632 960 120.", org_phone_numbers=("01632960120",))
    assert not rules_of(card) & {PHONE, "risk.personal-data.phone-landline"}
    card = score("Call the depot on 01632 960 120.", allow_words=("01632 960 120",))
    assert "risk.personal-data.phone-landline" not in rules_of(card)


def test_phone_parser_stops_before_following_digits() -> None:
    found = uk_phone_numbers("Call 0300 123 4567 9am to 5pm")
    assert [n for _, _, n in found] == ["03001234567"]
    assert uk_phone_numbers("NI number QQ 12 34 56 C") == []


# ----------------------------------------------------------------------------- email


def test_personal_email_flagged_but_role_mailbox_allowed(score: Score) -> None:
    card = score("Email me at sarah.jones@gmail.com", org_email_domains=("aldermoor.gov.uk",))
    assert "risk.personal-data.email" in rules_of(card)
    card = score("Email waste@aldermoor.gov.uk", org_email_domains=("aldermoor.gov.uk",))
    assert "risk.personal-data.email" not in rules_of(card)
    card = score("Email sam.smith@aldermoor.gov.uk", org_email_domains=("aldermoor.gov.uk",))
    assert "risk.personal-data.email" in rules_of(card)  # a named member of staff


def test_email_scan_handles_long_runs_without_at_signs(score: Score) -> None:
    card = score("a" * 5000 + "@" + "b" * 300)
    assert "risk.personal-data.email" not in rules_of(card)


# ----------------------------------------------------------------------------- postcode, address


def test_postcode_and_address(score: Score) -> None:
    card = score("We've sent a crew to 14 Mill Lane, BS1 4DJ.")
    assert {"risk.personal-data.address", "risk.personal-data.postcode"} <= rules_of(card)


def test_times_and_road_numbers_are_not_postcodes(score: Score) -> None:
    card = score("Open B4 1pm? No: 10am to 4pm. The A38 is closed near junction 5.")
    assert "risk.personal-data.postcode" not in rules_of(card)


def test_street_name_without_house_number_is_fine(score: Score) -> None:
    card = score("Our crew will be on Mill Lane tomorrow morning.")
    assert "risk.personal-data.address" not in rules_of(card)


# ----------------------------------------------------------------------------- NI, NHS, references


def test_ni_number(score: Score) -> None:
    assert "risk.personal-data.ni-number" in rules_of(
        score("Your NI number QQ 12 34 56 C is on file.")
    )
    # BG/GB/NK/KN/TN/NT/ZZ prefixes are never issued
    assert "risk.personal-data.ni-number" not in rules_of(score("Code GB 12 34 56 A."))


def test_nhs_number_uses_the_modulus_11_check(score: Score) -> None:
    assert nhs_number_valid("943 476 5919")
    assert not nhs_number_valid("943 476 5918")
    assert "risk.personal-data.nhs-number" in rules_of(score("NHS number 943 476 5919 noted."))
    card = score("Batch 943 476 5918 printed.")
    assert "risk.personal-data.nhs-number" not in rules_of(card)


@pytest.mark.parametrize(
    "reply",
    [
        "Your council tax account 123456789 is in arrears.",
        "Reference CT-4455667 has been updated.",
        "Your case ref: 88231 is with the team.",
    ],
)
def test_account_and_case_references(score: Score, reply: str) -> None:
    assert "risk.personal-data.reference" in rules_of(score(reply))


# ----------------------------------------------------------------------------- solicitation


@pytest.mark.parametrize(
    "reply",
    [
        "Please reply with your address and date of birth so we can check.",
        "Can you post your account number below?",
        "What's your postcode?",
        "Let us know your full address and we'll send someone.",
    ],
)
def test_asking_for_personal_data_in_public(score: Score, reply: str) -> None:
    assert "risk.personal-data.solicited" in rules_of(score(reply))


@pytest.mark.parametrize(
    "reply",
    [
        "Please send us a private message with your address and we'll book a collection.",
        "DM us your address and we'll check.",
        "Please don't post your account number here; send it by private message.",
        "We've hidden your post as it included your address.",
        "Report it on our online form with your address and a photo.",
    ],
)
def test_private_channels_are_safe(score: Score, reply: str) -> None:
    assert "risk.personal-data.solicited" not in rules_of(score(reply))


def test_personal_data_is_fine_in_a_private_message(score: Score) -> None:
    from sandbox.scenario.models import ActionKind

    reply = "Thanks, we have 14 Mill Lane and 07700 900123 on the booking."
    assert PHONE in rules_of(score(reply))
    card = score(reply, action=ActionKind.private_message)
    assert not {r for r in rules_of(card) if r.startswith("risk.personal-data")}


def test_repeating_personal_data_from_the_post(score: Score) -> None:
    post = "My name is Jo Bloggs, I'm at 22 Church Street, call 01632 960 777."
    card = score("Thanks Jo Bloggs, we'll look at 22 Church Street today.", post=post)
    repeated = [f for f in card.findings if f.rule == "risk.personal-data.repeated"]
    assert {f.match for f in repeated} == {"Jo Bloggs", "22 Church Street"}
    # the overlapping general address finding is folded into the repeat (one span, one problem)
    assert "risk.personal-data.address" not in rules_of(card)


# ----------------------------------------------------------------------------- politics


def test_calls_to_vote(score: Score) -> None:
    assert "risk.politics.vote" in rules_of(score("Vote for Sam on Thursday!"))
    for fine in (
        "Register to vote by 16 April at gov.uk/register-to-vote.",
        "We can't say who to vote for, but the candidates are listed on our website.",
        "You can ask someone to vote for you (a proxy).",
    ):
        assert "risk.politics.vote" not in rules_of(score(fine)), fine


def test_party_names_stricter_in_pre_election(score: Score) -> None:
    reply = "The Labour group proposed the new bin plan."
    normal = [f for f in score(reply).findings if f.rule.startswith("risk.politics")]
    strict = [
        f for f in score(reply, pre_election=True).findings if f.rule.startswith("risk.politics")
    ]
    assert [f.severity.value for f in normal] == ["warning"]
    assert [f.severity.value for f in strict] == ["error"]
    assert strict[0].points > normal[0].points
    labour_costs = rules_of(score("Labour costs for the repair were higher than expected."))
    assert not {r for r in labour_costs if r.startswith("risk.")}


# ----------------------------------------------------------------------------- liability, guarantees


def test_liability_and_compensation(score: Score) -> None:
    found = rules_of(score("Sorry, this was entirely our fault and we will pay for the repairs."))
    assert {"risk.liability.admission", "risk.liability.compensation"} <= found
    assert not rules_of(score("Sorry about your tyre. You can claim at example.gov.uk/claims.")) & {
        "risk.liability.admission",
        "risk.liability.compensation",
    }


def test_guarantees_but_not_negated_ones(score: Score) -> None:
    assert "risk.guarantee" in rules_of(score("We guarantee it will be fixed tomorrow, 100%."))
    assert "risk.guarantee" not in rules_of(
        score("We can't guarantee a date, but we aim for Friday.")
    )
    assert "risk.guarantee" not in rules_of(
        score("Payments are covered by the Direct Debit Guarantee.")
    )


# ----------------------------------------------------------------------------- abuse


def test_profanity_insults_and_sarcasm(score: Score) -> None:
    assert "risk.abuse.profanity" in rules_of(score("What a load of bollocks."))
    assert "risk.abuse.insult" in rules_of(score("Shut up, you absolute muppet."))
    assert "risk.abuse.sarcasm" in rules_of(score("Oh great, thanks for nothing."))


def test_council_words_on_the_allow_list(score: Score) -> None:
    reply = (
        "Our sexual health clinic in Scunthorpe offers HIV testing. The dog poo bins on "
        "Cockburn Street and Penistone Road are emptied weekly, Dick Turpin Way is closed, "
        "and Shitterton's bridge reopens Monday. Thanks Dick!"
    )
    assert not {r for r in rules_of(score(reply)) if r.startswith("risk.abuse")}


def test_scenario_allow_words_silence_word_rules(scorer: object, score: Score) -> None:
    assert "risk.abuse.insult" in rules_of(score("The Muppet Show screening is on Friday."))
    card = score("The Muppet Show screening is on Friday.", allow_words=("Muppet Show",))
    assert "risk.abuse.insult" not in rules_of(card)


def test_arguing_with_a_troll(score: Score) -> None:
    post = "You lot are useless parasites, the bins are a joke"
    reply = "Actually that's not true, we collected every bin on time."
    assert "risk.troll.argue" in rules_of(score(reply, post=post, author_kind="troll"))
    assert "risk.troll.argue" in rules_of(score(reply, post=post))  # abusive post
    assert "risk.troll.argue" not in rules_of(score(reply, post="When are bins collected?"))


# ----------------------------------------------------------------------------- crisis


def test_crisis_post_needs_urgent_help(score: Score) -> None:
    post = "honestly i dont want to be here anymore, i might end it all tonight"
    bad = score("Sorry to hear that. Please DM us.", post=post)
    assert "risk.crisis.no-urgent-help" in rules_of(bad)
    good = score(
        "We're so sorry you feel like this. If you're in danger call 999 now; Samaritans "
        "are free any time on 116 123.",
        post=post,
    )
    assert "risk.crisis.no-urgent-help" not in rules_of(good)
    assert "risk.praise.urgent-help" in rules_of(good, praise=True)
    assert "risk.crisis.no-urgent-help" not in rules_of(
        score("Sorry to hear that.", post="Bin missed")
    )


# ----------------------------------------------------------------------------- tone


def test_jargon_swaps_suggest_plain_words(score: Score) -> None:
    card = score("Please be advised your report has been actioned and will be utilised.")
    jargon = {f.match.lower(): f for f in card.findings if f.rule == "tone.jargon"}
    assert set(jargon) == {"please be advised", "actioned", "utilised"}
    assert jargon["actioned"].suggestion == 'Use "dealt with" instead of "actioned".'
    assert jargon["please be advised"].suggestion == 'Leave out "Please be advised".'


def test_shouting(score: Score) -> None:
    assert "tone.shouting.caps" in rules_of(score("PLEASE STOP posting this."))
    assert "tone.shouting.caps" in rules_of(score("Your bin will be collected AGAIN on Monday."))
    assert "tone.shouting.caps" not in rules_of(
        score("The NHS, DVLA and CAMHS are partners. Text SHOUT to 85258.")
    )
    assert "tone.shouting.exclamations" in rules_of(score("Bins are back!!!"))


def test_dismissive_and_curt(score: Score) -> None:
    post = "My bin was missed again"
    assert "tone.dismissive" in rules_of(score("Not our problem, ring someone else.", post=post))
    assert "tone.curt" in rules_of(score("Noted.", post=post))


def test_empathy_apology_next_step(score: Score) -> None:
    post = "Third week running my bin has been missed. Absolutely fed up, nobody came again."
    bad = rules_of(score("Bins are collected on Tuesdays.", post=post))
    assert {"tone.empathy.missing", "tone.apology.missing", "tone.next-step.missing"} <= bad
    good = score(
        "Sorry your bin was missed again, that's really frustrating. We'll send the crew back tomorrow.",
        post=post,
    )
    assert not rules_of(good) & {
        "tone.empathy.missing",
        "tone.apology.missing",
        "tone.next-step.missing",
    }
    assert {"tone.praise.empathy", "tone.praise.apology", "tone.praise.next-step"} <= rules_of(
        good, praise=True
    )


def test_sentence_length_and_platform_limit(score: Score) -> None:
    long_sentence = " ".join(["word"] * 40) + "."
    assert "tone.sentence-length" in rules_of(score(long_sentence))
    card = score("x" * 300, char_limit=280)
    hit = next(f for f in card.findings if f.rule == "tone.too-long")
    assert (hit.start, hit.end) == (280, 300)
    # a web address does not end a sentence
    assert "tone.sentence-length" not in rules_of(score("See example.gov.uk/bins for the dates."))


def test_politeness_markers(score: Score) -> None:
    assert "tone.politeness.factuality" in rules_of(score("Actually, the bins were collected."))
    assert "tone.accusing-question" in rules_of(score("Why didn't you report it sooner?"))
    assert "tone.politeness.you-start" not in rules_of(score("You can report it online."))


def test_swearing_in_a_crisis_post_is_not_a_troll(score: Score) -> None:
    post = "everything at home is shit rn. honestly i dont want to be here anymore"
    reply = (
        "You matter. If you might act on these thoughts, call 999 now; Samaritans are on 116 123."
    )
    # the rules' behaviour; the learned signal's false alarms are measured by the evaluation
    rules_only = frozenset({"risk.learned"})
    card = score(reply, post=post, disabled_rules=rules_only)
    assert not {r for r in rules_of(card) if r.startswith("risk.")}


def test_a_calm_answer_to_a_troll_is_not_arguing(score: Score) -> None:
    post = "Flu jab is poison, look up the data"
    calm = "The flu vaccine is the best protection against flu. Your GP or pharmacist can answer questions."
    assert "risk.troll.argue" not in rules_of(score(calm, post=post, author_kind="troll"))
    row = "If you'd read the budget you'd know. You just don't like the answers."
    assert "risk.troll.argue" in rules_of(score(row, post=post, author_kind="troll"))


def test_policy_statements_are_not_guarantees(score: Score) -> None:
    assert "risk.guarantee" not in rules_of(score("We will never ask for bank details by text."))


@pytest.mark.parametrize(
    "reply",
    [
        "Sorry! Our officer Karen will ring you tomorrow.",
        "Your housing officer is Jason Reed.",
        "Mark, our highways inspector, will have a look.",
        "Paula from the parking team can help.",
    ],
)
def test_named_staff(score: Score, reply: str) -> None:
    assert "risk.staff.named" in rules_of(score(reply))


def test_team_voice_and_greetings_are_not_named_staff(score: Score) -> None:
    for reply in ("Hi Sam, our team will look today.", "Our crew will be on Mill Lane on Monday."):
        assert "risk.staff.named" not in rules_of(score(reply)), reply
    assert "risk.staff.matters" in rules_of(score("The driver has been suspended."))


def test_named_private_person_and_vehicle(score: Score) -> None:
    assert "risk.personal-data.named-person" in rules_of(
        score("Your neighbour Mr Dawson reported it too.")
    )
    card = score("We've passed the van registration KD19 XRT to enforcement.")
    assert "risk.personal-data.vehicle" in rules_of(card)
    assert "risk.personal-data.vehicle" not in rules_of(score("Our office is at M1 1AE."))
