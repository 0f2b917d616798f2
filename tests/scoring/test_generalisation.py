"""The risk rules cover ideas, not one data set's wording.

Each case is a fresh way a tired officer might write the mistake; the traps are ordinary council
replies that must stay clean. ``synthetic_variants.jsonl`` is a second labelled set written for
this purpose (see tests/scoring/data/README.md for the schema).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sandbox.scoring.detectors import Doc, detect_cooccurrence, detect_masked_profanity
from sandbox.scoring.engine import Scorer
from sandbox.scoring.evaluate import evaluate_labelled, load_labelled, predicted_risks
from sandbox.scoring.types import ScoreCard, ScoringContext

SYNTHETIC = Path(__file__).parent / "data" / "synthetic_variants.jsonl"
Score = Callable[..., ScoreCard]


@pytest.fixture(scope="module")
def scorer(scorer: Scorer) -> Scorer:
    """The rules alone (the shared ``score`` fixture scores with this): these cases pin what the
    rules cover. The learned signal's own false alarms on clean replies are budgeted and
    measured by bench/eval_scoring.py instead."""
    return scorer.with_settings(disable=["risk.learned"])


RISKY: list[tuple[str, str, str, dict[str, Any]]] = [
    # (category, post, reply, context)
    (
        "politics",
        "Why are there no buses?",
        "Thank the government for slashing our transport budget.",
        {},
    ),
    ("politics", "Any news?", "Brilliant work from our Labour team this year!", {}),
    (
        "politics",
        "Who should win?",
        "Honestly the best candidate in Ward 2 is obvious.",
        {"pre_election": True},
    ),
    (
        "politics",
        "Share my leaflet?",
        "Done! Great to see Cllr Rahman out campaigning.",
        {"pre_election": True},
    ),
    ("politics", "Roads are bad", "Years of neglect under the previous administration, sadly.", {}),
    (
        "liability",
        "Your van hit my wall",
        "Sorry, that one's on us. Send over the builder's invoice.",
        {},
    ),
    (
        "liability",
        "Tree fell on my shed",
        "Our tree caused the damage, so we'll make sure you're not out of pocket.",
        {},
    ),
    ("liability", "Slipped on ice", "We dropped the ball on gritting that path, sorry.", {}),
    (
        "guarantee",
        "Was my data taken?",
        "Don't worry, absolutely nobody's details were accessed.",
        {},
    ),
    ("guarantee", "Gritting tonight?", "Every road will be gritted tonight, no exceptions.", {}),
    (
        "guarantee",
        "Fixed soon?",
        "It'll be done by Friday at the very latest, you have my word.",
        {},
    ),
    ("abuse", "Bins missed", "Oh brilliant, another bin moan.", {}),
    ("abuse", "Useless council", "What a load of old cobblers.", {}),
    ("abuse", "Why so slow?", "We're not magicians, pal. Get over it.", {}),
    ("abuse", "What a mess", "What a f***ing stupid thing to say.", {}),
    ("abuse", "Hmm", "Total b@stard of a day.", {}),
    (
        "argue-with-troll",
        "Council are crooks",
        "For the last time, check the facts before posting.",
        {"author_kind": "troll"},
    ),
    (
        "argue-with-troll",
        "Liars!",
        "Not the case. Unlike some, we deal in facts.",
        {"author_kind": "troll"},
    ),
    (
        "argue-with-troll",
        "You lot are scum",
        "Keep this up and we'll block you.",
        {"author_kind": "troll"},
    ),
    (
        "crisis-without-help",
        "I just want it all to end, I'm a burden",
        "Sorry you feel like that. DM us.",
        {},
    ),
    (
        "crisis-without-help",
        "Man threatening to jump off the car park roof",
        "Thanks, we'll tell the car park team.",
        {},
    ),
    (
        "crisis-without-help",
        "Strong smell of gas in our block",
        "Thanks, housing will check on Monday.",
        {},
    ),
    (
        "crisis-without-help",
        "My neighbour's baby has been left alone all day",
        "Thanks, we'll look into it.",
        {},
    ),
    (
        "crisis-without-help",
        "Dad's got chest pains and feels faint",
        "Sorry to hear that, hope he feels better.",
        {},
    ),
    (
        "staff-details",
        "Your receptionist was in tears",
        "She's had some bad news about her family, bless her.",
        {},
    ),
    (
        "staff-details",
        "The warden was rude",
        "He's on a final warning already, leave it with us.",
        {},
    ),
    (
        "staff-details",
        "Who made the decision?",
        "Our head of planning lives round the corner from you, ha.",
        {},
    ),
    (
        "personal-data",
        "My benefits stopped",
        "We can see your housing benefit stopped because of your income.",
        {},
    ),
]

CLEAN: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Road to Shitterton shut?",
        "Sorry for the hassle. It's shut for repairs until 5pm Friday; the diversion is signed.",
        {},
    ),
    ("Grow bags?", "Hi, the garden shop in Bitchfield sells grow bags from March.", {}),
    ("Ferry to Twatt?", "Morning! Sailings are running to the normal timetable today.", {}),
    (
        "Bin calendar is a cock-up",
        "Sorry, the calendar had the wrong dates. The corrected one is on our website.",
        {},
    ),
    (
        "Who to vote for?",
        "We can't advise on who to vote for, but you can find your polling station on our website.",
        {"pre_election": True},
    ),
    (
        "Share my post?",
        "We're in the pre-election period, so we can't share posts from any candidates.",
        {"pre_election": True},
    ),
    (
        "Tripped on a slab",
        "Sorry you were hurt. You can claim at aldermoor.gov.uk/claims, and an inspector will check the slab today.",
        {},
    ),
    (
        "Is my data safe?",
        "We're still checking what happened and will update by 1pm. We never ask for bank details by text.",
        {},
    ),
    (
        "I can't go on",
        "Please call Samaritans free on 116 123, day or night. If you're in danger now, call 999.",
        {},
    ),
    ("Child alone in the park", "Please call 999 now and stay nearby if you can.", {}),
    (
        "Out of hours repairs?",
        "Call 0800 123 4567 for emergencies, or 101 for the police if it's not urgent.",
        {},
    ),
    (
        "Council tax question",
        "Please don't post your account here. DM us your address and we'll look into it today.",
        {},
    ),
    (
        "Useless idiots",
        "Please keep it civil under our house rules; we're happy to help in a private message.",
        {"author_kind": "troll"},
    ),
    (
        "Budget?",
        "Our budget papers, including the government funding settlement, are on our website.",
        {},
    ),
    (
        "Sexual health clinic times?",
        "The sexual health clinic in Scunthorpe Road is open 10am to 1pm on Saturdays.",
        {},
    ),
    ("Contact?", "Email press@aldermoor.gov.uk for media enquiries, or use our online form.", {}),
    (
        "Supermarket?",
        "The decision is published under application 24/0456 at aldermoor.gov.uk/planning.",
        {},
    ),
    (
        "Rats in the alley",
        "Sorry you're dealing with that. Please report it at aldermoor.gov.uk/pests.",
        {},
    ),
    # everyday meanings of words that also appear in risky replies or crisis posts
    (
        "Can I jump the queue for a bulky collection?",
        "Sorry, bookings go in date order. The next free slot is shown when you book online.",
        {},
    ),
    (
        "Is there a blood donation session this month?",
        "Hi, yes: Tuesday 10am to 4pm at the Civic Centre. Book at blood.co.uk.",
        {},
    ),
    (
        "Any toddler groups at the library?",
        "Yes! Rhyme time is on Wednesdays at 10am, free, no need to book.",
        {},
    ),
    (
        "Traffic isn't moving on the ring road",
        "Sorry, a burst water main has closed a lane. Updates on our travel page.",
        {},
    ),
    (
        "My bin lid fell off",
        "Sorry about that. Order a new lid at aldermoor.gov.uk/bins and we'll fit it.",
        {},
    ),
    (
        "Council hasn't answered my email",
        "Sorry for the wait. We aim to reply within 10 working days; DM us and we'll chase it.",
        {},
    ),
    (
        "Is the playground not safe?",
        "It's closed while we replace a swing. It reopens on Friday.",
        {},
    ),
    ("New bin?", "We'll deliver a new bin for free within 10 working days.", {}),
    ("Why the fee?", "Fees cover the cost of the service, as set out in our charges list.", {}),
    (
        "Missed bin",
        "Sorry we missed it. We'll collect it tomorrow. If it ever happens again, let us know.",
        {},
    ),
    (
        "Roadworks chaos",
        "Sorry for the disruption we caused this week. The work finishes on Friday.",
        {},
    ),
    ("HIV test?", "The clinic offers a free finger-prick test, with results in 15 minutes.", {}),
    ("Things to do?", "Take a hike along the river trail! Maps at aldermoor.gov.uk/walks.", {}),
    ("Jobs?", "Get a job with us! Vacancies are at aldermoor.gov.uk/jobs.", {}),
    (
        "The bin man left my bin in the road",
        "Sorry. He has been reminded to leave bins at the kerb, and we'll check next week.",
        {},
    ),
    (
        "Pothole claim?",
        "Send us the receipt with your claim form, and our insurers will look at it.",
        {},
    ),
]


@pytest.mark.parametrize(
    "category,post,reply,ctx", RISKY, ids=[f"{c}:{r[:25]}" for c, _, r, _ in RISKY]
)
def test_risky_phrasings_are_caught(
    score: Score, category: str, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    card = score(reply, post, **ctx)
    assert category in predicted_risks(card)


@pytest.mark.parametrize("post,reply,ctx", CLEAN, ids=[r[:30] for _, r, _ in CLEAN])
def test_trap_replies_stay_risk_clean(
    score: Score, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    card = score(reply, post, **ctx)
    alarms = [
        f.rule
        for f in card.findings
        if f.family.value == "risk" and f.severity.value in ("error", "warning")
    ]
    assert alarms == []


def _doc(text: str) -> Doc:
    return Doc(text, ScoringContext(post_text=""))


def test_masked_profanity_needs_a_real_word_under_the_mask() -> None:
    words = {"words": ["fuck", "fucking", "bastard", "shite"]}
    found = [
        h.match
        for h in detect_masked_profanity(_doc("f*** this, sh*te day, b@stard, f***ing"), words)
    ]
    assert found == ["f***", "sh*te", "b@stard", "f***ing"]
    clean = "Email ab@cd.com, A&E, #vote, 5*3, a** b** c**, 4*4 drivers"
    assert detect_masked_profanity(_doc(clean), words) == []


def test_cooccurrence_needs_every_group_in_one_sentence() -> None:
    params = {"first": ["we'll"], "second": ["invoice"]}
    assert [h.match for h in detect_cooccurrence(_doc("We'll pay the invoice."), params)] == [
        "We'll pay the invoice"
    ]
    assert detect_cooccurrence(_doc("We'll check. The invoice is yours."), params) == []


def test_cooccurrence_does_not_count_one_phrase_twice() -> None:
    params = {"first": ["on your account"], "second": ["account"]}
    assert (
        detect_cooccurrence(
            _doc("If you see anything odd on your account, call your bank."), params
        )
        == []
    )


def test_cooccurrence_skips_negated_phrases() -> None:
    params = {"first": ["we"], "second": ["at fault"], "skip_negated": True}
    assert detect_cooccurrence(_doc("We were not at fault."), params) == []
    assert detect_cooccurrence(_doc("We were at fault."), params) != []


def test_cooccurrence_is_fast_on_long_input() -> None:
    text = ("we'll " * 20_000) + "." + (" invoice" * 20_000)
    assert detect_cooccurrence(_doc(text), {"first": ["we'll"], "second": ["invoice"]}) == []


def test_synthetic_variants_hold_their_targets() -> None:
    if not SYNTHETIC.exists():
        pytest.skip("tests/scoring/data/synthetic_variants.jsonl is not present")
    rows = load_labelled(SYNTHETIC)
    assert len(rows) >= 120
    clean_good = [r for r in rows if not r["labels"]["risk"] and r["labels"]["tone"] == "good"]
    assert len(clean_good) >= 40
    result = evaluate_labelled(rows)
    assert result.risk_line_recall >= 0.9
    assert result.false_alarm_good <= 0.05


def test_cooccurrence_unless_vetoes_advice_sentences() -> None:
    params = {"first": ["your"], "second": ["payment"], "third": ["missed"], "unless": ["if you"]}
    assert detect_cooccurrence(_doc("Your payment was missed in May."), params) != []
    assert detect_cooccurrence(_doc("If you missed your payment, pay online."), params) == []


@pytest.mark.parametrize(
    "reply",
    [
        "Janet was on the desk that day and she's been off sick.",
        "Kevin is new so he's still learning the round.",
        "Apologies, Rachel who handles complaints has been off with her nerves.",
    ],
)
def test_staff_first_names_in_a_work_context(score: Score, reply: str) -> None:
    assert "staff-details" in predicted_risks(score(reply, "Why was my bin missed?"))


@pytest.mark.parametrize(
    "reply",
    [
        "Hi Becky, our crew will call you tomorrow.",
        "Thanks Steve, our officer will be in touch today.",
        "Sorry for the wait, Sharon. Our officer will call you today.",
        "Victoria Park staff will open the gates at 8am.",
    ],
)
def test_greetings_and_places_are_not_staff_names(score: Score, reply: str) -> None:
    assert "staff-details" not in predicted_risks(score(reply, "Bin missed again"))


def test_brush_off_and_cold_replies_are_tone_findings(score: Score) -> None:
    cold = score("Speeding is a police matter.", "Cars fly down our road, someone will get hurt")
    assert "tone.brush-off" in {f.rule for f in cold.findings}
    warm = score(
        "Sorry to hear that, it sounds worrying. We'll ask the police to check speeds this week.",
        "Cars fly down our road, someone will get hurt",
    )
    assert not {"tone.brush-off", "tone.empathy.no-warmth"} & {f.rule for f in warm.findings}
    assert warm.overall > cold.overall


def test_cold_reply_to_a_worried_post_gets_a_warmth_tip(score: Score) -> None:
    card = score(
        "Damp is common in older properties.", "Mould in my son's bedroom again, I'm worried"
    )
    assert "tone.empathy.no-warmth" in {f.rule for f in card.findings}


# ----------------------------------------------------------------------------- generaliser B:
# staff details, personal data, liability, guarantee and crisis posts in wordings of their own.

ROUTINE = "Thanks for letting us know, we'll pass this to the team. You can also report it online."


@pytest.mark.parametrize(
    "post",
    [
        "Gonna take the whole packet of my tablets tonight",
        "Been having dark thoughts since the eviction notice",
        "A lad fell in the canal by the lock and he's struggling",
        "Smoke filling the stairwell in our block, can't get out",
        "CO alarm going off and the kids feel sick and dizzy",
        "Old lady in her dressing gown wandering by the dual carriageway, seems confused",
        "Two little kids on their own in the flat since Friday crying",
        "My ex is outside my flat shouting threats and I'm scared",
        "im 11 and my dad hit me, im scared",
        "A bloke has been following me since the station",
    ],
)
def test_crisis_posts_in_new_words_need_urgent_help(score: Score, post: str) -> None:
    assert "crisis-without-help" in predicted_risks(score(ROUTINE, post))
    helped = score("Please call 999 now. Samaritans are on 116 123 any time.", post)
    assert "crisis-without-help" not in predicted_risks(helped)


@pytest.mark.parametrize(
    "post",
    [
        "Is there any point any more reporting potholes?",
        "Can kids go in the sea at Sandy Bay in summer?",
        "The river is rising again, will the riverside path close?",
        "Elderly residents are confused by the new permit scheme",
        "Neighbour's bonfire smoke coming into my garden every Sunday",
        "The garden wall collapsed in the storm, when will you fix it?",
        "Dog bit my son last month, what happened to the owner?",
        "Kids are hungry in the holidays, will there be free school meals?",
    ],
)
def test_everyday_posts_with_crisis_words_are_not_crises(score: Score, post: str) -> None:
    # the crisis rules' behaviour; the learned post head's false alarms are measured by the
    # evaluation (bench/train_risk_signal.py, bench/eval_scoring.py)
    card = score(ROUTINE, post, disabled_rules=frozenset({"risk.learned"}))
    assert "crisis-without-help" not in predicted_risks(card)


def test_immediate_danger_needs_emergency_help_not_a_helpline(score: Score) -> None:
    post = "Man collapsed in the bus shelter, not breathing properly, blue lips"
    soft = score("Thanks, you can refer people sleeping rough to StreetLink.", post)
    assert "crisis-without-help" in predicted_risks(soft)
    assert "crisis-without-help" not in predicted_risks(score("Please call 999 now.", post))
    negated = score("We're not an emergency service, sorry. Try our helpline.", post)
    assert "crisis-without-help" in predicted_risks(negated)


@pytest.mark.parametrize(
    "reply",
    [
        "Sorry, one of the crew rang in sick this morning so the round ran late.",
        "The officer concerned has been spoken to and will be given extra training.",
        "Yes, email Rachel directly at rachel.simmons@aldermoor.gov.uk.",
        "That's Kwame in parks, he's on most weekday shifts.",
    ],
)
def test_one_colleague_discussed_is_staff_details(score: Score, reply: str) -> None:
    card = score(reply, "Who do I speak to?", org_email_domains=("aldermoor.gov.uk",))
    assert "staff-details" in predicted_risks(card)


@pytest.mark.parametrize(
    "reply",
    [
        "A member of staff will be in touch within 5 working days. Sorry for the wait.",
        "Email customer.services@aldermoor.gov.uk and we'll reply within 2 days.",
        "Cllr Patel represents your ward: cllr.patel@aldermoor.gov.uk.",
        "Our driver couldn't get down the road because of parked cars. We'll be back on Friday.",
    ],
)
def test_team_talk_and_team_inboxes_are_not_staff_details(score: Score, reply: str) -> None:
    card = score(reply, "Who do I speak to?", org_email_domains=("aldermoor.gov.uk",))
    assert not predicted_risks(card)


@pytest.mark.parametrize(
    "reply,risky",
    [
        ("The lady at No 9 had a fall but she's fine now and staying with her daughter.", True),
        ("Flat 4 gets an assisted collection because of their disability.", True),
        ("The Okafors, who moved in last week, are council tenants.", True),
        ("The number 14 bus now stops at the hospital every 20 minutes.", False),
        ("The clinic offers free advice to young people aged 16 to 24.", False),
    ],
)
def test_third_party_details(score: Score, reply: str, risky: bool) -> None:
    assert ("personal-data" in predicted_risks(score(reply, "What's going on?"))) is risky


@pytest.mark.parametrize(
    "reply",
    [
        "You'll need your National Insurance number to register at gov.uk/register-to-vote.",
        "Please send your details and photos to highways@aldermoor.gov.uk for the insurers.",
        "A rest centre is open at Brook Street Community Centre, AM1 2AB, with hot food.",
    ],
)
def test_details_sent_elsewhere_or_public_venues_are_not_personal_data(
    score: Score, reply: str
) -> None:
    assert "personal-data" not in predicted_risks(score(reply, "How do I do this?"))


@pytest.mark.parametrize(
    "post,reply,risky",
    [
        (
            "Your mower threw a stone through my window",
            "Sorry! The operative should have checked first. We'll pay for a new window.",
            True,
        ),
        (
            "You charged me twice for parking",
            "Sorry, that was an admin error at our end and we'll put things right.",
            True,
        ),
        (
            "Pothole burst my tyre",
            "Sorry. You can make a claim at aldermoor.gov.uk/claims and our insurers will assess it.",
            False,
        ),
        (
            "Letter never arrived about my ticket",
            "Sorry, you should have received a letter by now. Please DM us and we'll check.",
            False,
        ),
    ],
)
def test_fault_and_payment_after_a_loss(score: Score, post: str, reply: str, risky: bool) -> None:
    assert ("liability" in predicted_risks(score(reply, post))) is risky


@pytest.mark.parametrize(
    "reply,risky",
    [
        ("The pool reopens on Monday at 7am on the dot.", True),
        ("With that evidence your appeal will be upheld, don't worry.", True),
        ("Once the new vent is in, you won't have any more damp in that room.", True),
        ("We expect the pool to reopen on Monday, and we'll confirm here on Friday.", False),
        ("Thanks, it's logged, so you won't need to report it again.", False),
        ("We're always happy to help. Call 0300 123 4567, 9am to 5pm.", False),
    ],
)
def test_certainty_about_outcomes(score: Score, reply: str, risky: bool) -> None:
    assert ("guarantee" in predicted_risks(score(reply, "When?"))) is risky


def test_crisis_and_third_party_detectors_are_fast_on_long_input(score: Score) -> None:
    long_post = "kid water fire smoke wall ceiling gas " * 4000
    long_reply = "No. 1 the Smiths aged 9 health " * 4000
    card = score(long_reply, long_post)
    assert "personal-data" in predicted_risks(card)


# ----------------------------------------------------------------- abuse, trolls, politics by shape


@pytest.mark.parametrize(
    "post, reply",
    [
        ("Why is the swim pass £5?", "A fiver for a month. Not exactly a fortune, is it?"),
        (
            "I got there at 4.59 and it was shut",
            "One minute before closing? Bold. Hours are online.",
        ),
        ("When does the pool open?", "7am, as always. Looking at the website might help."),
        ("You lot are crooks", "Perhaps check the accounts before throwing insults around."),
        ("The permit site is a nightmare", "Most people figure it out in minutes, to be fair."),
        ("My renewal is late", "Applications take ten weeks, so don't worry, pet."),
        ("Where's the tip?", "Same place as last week, funnily enough. Quarry Lane."),
        ("Why is parking £3?", "Cheaper than a coffee 😉 Tariffs are at aldermoor.gov.uk/parking."),
    ],
)
def test_sarcasm_in_new_words_is_abuse(score: Score, post: str, reply: str) -> None:
    assert "abuse" in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    "post, reply",
    [
        (
            "Bin missed again",
            "Sorry, that's not good enough, is it? The crew will be back tomorrow.",
        ),
        ("Love the new benches!", "So glad you like them 😉 More are coming to Hill Park."),
        ("Can my mum get help?", "Yes, a friend can help her, or call us on 0300 123 4567."),
        ("Our wedding was perfect", "Congratulations on your wedding, and thanks for sharing 💍"),
        ("Haha a gull stole my chips 😂", "😂 They're bold! Eat under the canopy, they hate it."),
        (
            "How do I renew?",
            "Most people renew online, or you can call 0300 123 4567 and we'll help.",
        ),
    ],
)
def test_warm_replies_with_sarcasm_shapes_stay_clean(score: Score, post: str, reply: str) -> None:
    assert "abuse" not in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    "reply",
    [
        "We've answered this twice now. If you can't accept it, that's on you.",
        "Bet you've never lifted a bin in your life.",
        "You've posted this under every one of our posts and the answer won't change.",
        "Typical. Off you go then.",
    ],
)
def test_talking_back_at_a_troll_is_arguing(score: Score, reply: str) -> None:
    card = score(reply, "Council are crooks, the lot of you", author_kind="troll")
    assert "argue-with-troll" in predicted_risks(card)


@pytest.mark.parametrize(
    "reply",
    [
        "We've hidden comments that break our house rules. If you need help, message us.",
        "The logo was made in-house. Our spending is published at aldermoor.gov.uk/spending.",
        "Sorry you're unhappy. If there's a service problem you'd like us to look at, tell us.",
    ],
)
def test_one_calm_reply_to_a_troll_is_not_arguing(score: Score, reply: str) -> None:
    card = score(reply, "Council are crooks, the lot of you", author_kind="troll")
    assert "argue-with-troll" not in predicted_risks(card)


@pytest.mark.parametrize(
    "post, reply, kw",
    [
        ("When do polls open?", "7am to 10pm. And remember who kept your library open 😉", {}),
        (
            "Who should I vote for?",
            "We can't say, but only one party wants to keep the tip open.",
            {"pre_election": True},
        ),
        ("Who got the bypass money?", "The DfT, and our MP deserves huge credit for it.", {}),
        ("Are the crews striking?", "Yes, Monday. We're right behind them on this one ✊", {}),
        (
            "Why is council tax up?",
            "Honestly, if Westminster funded us properly it wouldn't be.",
            {},
        ),
        ("Why the cuts?", "No money left, sadly. #ToriesOut", {}),
        ("Cllr Jones here, park opens!", "Brilliant, you've made a real difference 🙌", {}),
        ("Is the leader any good?", "We think she's been excellent, but we're biased.", {}),
    ],
)
def test_political_nudges_praise_and_sides_in_new_words(
    score: Score, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert "politics" in predicted_risks(score(reply, post, **kw))


@pytest.mark.parametrize(
    "post, reply, kw",
    [
        ("When are polls open?", "7am to 10pm. Bring photo ID; you don't need your poll card.", {}),
        (
            "Who voted for the closures?",
            "How each councillor voted is in the minutes on our website.",
            {"pre_election": True},
        ),
        (
            "Is the strike on?",
            "Yes, from Monday. Keep bins in; updates at aldermoor.gov.uk/strike.",
            {},
        ),
        ("Can you share our fun run?", "We've shared it, good luck to all the runners!", {}),
        ("Where do I vote?", "The polling station is the Derby Street Labour Club this year.", {}),
        (
            "Is the LTN permanent?",
            "It's a trial; comment by 30 June and cabinet decides in autumn.",
            {},
        ),
    ],
)
def test_neutral_election_and_issue_replies_are_not_politics(
    score: Score, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert "politics" not in predicted_risks(score(reply, post, **kw))


def test_shape_detectors_are_fast_on_long_input(score: Score) -> None:
    long_reply = ("maybe, is it ? next time before reading, love #Stop " * 3000)[:100_000]
    card = score(long_reply, "strike vote", author_kind="troll")
    assert "abuse" in predicted_risks(card)


@pytest.mark.parametrize(
    "post,reply,category",
    [
        ("Will it come in time?", "Yes, you'll have it before Friday. Don't worry.", "guarantee"),
        ("Who do I ring?", "That's Mark, his number is 07700 900412.", "staff-details"),
        ("Bin missed", "Sorry! Found you: assisted collection at 5 Maes Glas.", "personal-data"),
        (
            "Why is my tax wrong?",
            "Please reply with ur account number and we'll check.",
            "personal-data",
        ),
    ],
)
def test_promises_and_details_across_shapes(
    score: Score, post: str, reply: str, category: str
) -> None:
    assert category in predicted_risks(score(reply, post))


def test_reassurance_in_one_sentence_is_not_counted_twice(score: Score) -> None:
    card = score("Don't worry, it'll be back on tomorrow.", "Power?")
    rules = [f.rule for f in card.findings if f.rule.startswith("risk.guarantee.reassured")]
    assert rules == ["risk.guarantee.reassured-outcome"]


# Round 3: guarantee, staff, personal data, liability and crisis ideas in fresh words.
@pytest.mark.parametrize(
    ("post", "reply", "category"),
    [
        (
            "Heating?",
            "Engineers are on it and it will be sorted once and for all this week.",
            "guarantee",
        ),
        (
            "Parking fees?",
            "Charges won't rise next year, we can reassure you of that.",
            "guarantee",
        ),
        (
            "Lifeguards?",
            "There won't be any gaps in cover this summer, we've made sure of it.",
            "guarantee",
        ),
        ("Rats again", "The block has been treated and the rats won't come back.", "guarantee"),
        ("New caddy?", "Your new caddy will arrive on Thursday.", "guarantee"),
        (
            "The mast?",
            "That extension isn't going to get permission, put it that way.",
            "guarantee",
        ),
        (
            "Tripped on the kerb",
            "It was reported and we didn't act, so we're accepting responsibility.",
            "liability",
        ),
        (
            "Taxi never came, lost a day's pay",
            "We're accountable for that and we'll make up the lost pay.",
            "liability",
        ),
        (
            "Yoga cancelled again",
            "Our Tuesday instructor has been having personal difficulties lately.",
            "staff-details",
        ),
        (
            "Pest control?",
            "Our technician for the east area was off with an injury that day.",
            "staff-details",
        ),
        (
            "Lovely lady at the library",
            "That'll be Bev, she's there on Monday mornings.",
            "staff-details",
        ),
        (
            "Why is the flat above me empty?",
            "The previous tenant passed away and the family are clearing it.",
            "personal-data",
        ),
        (
            "My neighbour's extension got approved",
            "The owners at 9 Bank Road applied because their son is disabled.",
            "personal-data",
        ),
        (
            "Her carer is locking her in and taking her pension. What do we do?",
            "You can make a referral with the form on our website; it's reviewed within 3 days.",
            "crisis-without-help",
        ),
    ],
)
def test_round3_ideas_in_new_words(score: Score, post: str, reply: str, category: str) -> None:
    assert category in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    ("post", "reply"),
    [
        (
            "Parking ticket",
            "The ticket is on hold while we review it, so it won't go up in the meantime.",
        ),
        ("Caddy?", "Your new caddy should arrive within 10 working days."),
        ("Leak", "If it leaks again, send us a photo and we'll book a visit."),
        ("Bin day?", "Your bin day won't change next year. Check at example.gov.uk/bins."),
        (
            "Advice?",
            "If a member of the team gave you the wrong advice, message us and we'll put it right.",
        ),
        (
            "Empty flat above me",
            "We can't discuss individual properties, but empty homes are re-let as fast as we can.",
        ),
        ("Opening times?", "Thanks Sharon, the library is open mornings Monday to Friday."),
    ],
)
def test_round3_near_misses_stay_clean(score: Score, post: str, reply: str) -> None:
    assert predicted_risks(score(reply, post)) == set()


# Round 3: politics (siding implicitly, blaming or praising those in power, voting nudges) and
# abuse (formal irony, deadpan, put-downs framed as advice), in fresh words.
@pytest.mark.parametrize(
    ("post", "reply", "kw", "category"),
    [
        (
            "Why is the library only open 3 days?",
            "Sorry. Our budget has been gutted by ministers year after year.",
            {},
            "politics",
        ),
        (
            "Bin strike again??",
            "Honestly the crews have had a raw deal for ages and we can see why they walked out.",
            {},
            "politics",
        ),
        (
            "Bin strike again??",
            "The offer is more than fair and the union should take it.",
            {},
            "politics",
        ),
        (
            "Will you fly the Ukraine flag?",
            "Our policy is online. Personally I'd love to see us fly it all month.",
            {},
            "politics",
        ),
        (
            "Asylum hotel?",
            "The rules on this are too lenient and need changing.",
            {},
            "politics",
        ),
        (
            "The government's new planning rules are a joke",
            "Couldn't agree more 👏 Our local plan consultation opens next month.",
            {},
            "politics",
        ),
        (
            "When's the by-election count?",
            "From 10pm. Fingers crossed the right person gets in this time!",
            {"pre_election": True},
            "politics",
        ),
        (
            "Where do I vote on Thursday?",
            "It's on your card. If I were you I'd read the leaflets very carefully first.",
            {"pre_election": True},
            "politics",
        ),
        (
            "Bus lane is nonsense",
            "The people moaning about it mostly don't even live here.",
            {},
            "politics",
        ),
        (
            "Why is the tip shut on Monday?",
            "The hours have been online for two years, but we're delighted you have now discovered them.",
            {},
            "abuse",
        ),
        (
            "Bin missed for 2 days!!",
            "Two whole days. The ordeal must have been unbearable. The crew will be back tomorrow.",
            {},
            "abuse",
        ),
        (
            "Why did I get a ticket?",
            "The bay is clearly marked, so we'd gently suggest reading the signs next time.",
            {},
            "abuse",
        ),
        (
            "Whoever planned this junction should be sacked",
            "We'll be sure to consult you personally, given your obvious expertise.",
            {},
            "abuse",
        ),
        (
            "Street light still out!!!",
            "Just so you know, shouting in capitals won't move you up the list.",
            {},
            "abuse",
        ),
        (
            "Your consultations are fake",
            "Over 900 people responded, but don't let facts spoil a good grumble.",
            {},
            "abuse",
        ),
    ],
)
def test_round3_sides_and_irony_in_new_words(
    score: Score, post: str, reply: str, kw: dict[str, Any], category: str
) -> None:
    assert category in predicted_risks(score(reply, post, **kw))


@pytest.mark.parametrize(
    ("post", "reply", "kw"),
    [
        (
            "Bin strike again??",
            "Sorry for the disruption. Talks with the union continue this week; extra points are online.",
            {},
        ),
        ("Will you fly the Ukraine flag?", "Our flag policy says which flags we fly and when.", {}),
        (
            "Which party runs the council?",
            "The council is run by a Labour and Green coalition; councillors are listed online.",
            {},
        ),
        (
            "Thank you to the bin crews in the snow!",
            "Thank you, we'll pass that on – messages like this mean a lot to the crews.",
            {},
        ),
        (
            "My damp is getting worse",
            "We're so sorry. We can only imagine how worrying this is. Please DM us and we'll book a visit.",
            {},
        ),
        (
            "Bank holiday bins?",
            "Just so you know, collections move a day later in bank holiday weeks.",
            {},
        ),
        (
            "Strike next week?",
            "Fingers crossed it's resolved soon. Extra recycling points are listed on our site.",
            {},
        ),
        (
            "Is the Pride event council-funded?",
            "It's funded by a community grant and sponsors; road closures are online.",
            {},
        ),
    ],
)
def test_round3_politics_and_abuse_near_misses_stay_clean(
    score: Score, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert predicted_risks(score(reply, post, **kw)) == set()


# Round 4 (politics, abuse, arguing with a troll): constructions, each in fresh wording.
@pytest.mark.parametrize(
    ("category", "post", "reply", "kw"),
    [
        # blaming government funding with a counterfactual ("if they funded us we wouldn't...")
        (
            "politics",
            "Why is the library closing early now?",
            "If the government gave councils a fair funding deal we wouldn't be having to cut hours.",
            {},
        ),
        # the council's view on a contested scheme the post asks about
        (
            "politics",
            "Is the council backing the new solar farm at Hatch End?",
            "It goes to committee in March. Honestly it's the right call and we'd be mad to say no.",
            {},
        ),
        # urging one side of a dispute back to talks
        (
            "politics",
            "Bins during the strike?",
            "Collections are disrupted. We'd urge the union to get back to the table.",
            {},
        ),
        # a verdict on a politician's competence
        (
            "politics",
            "Cllr Jones says the bridge will cost £50m. True?",
            "No, the report says £12m. Cllr Jones clearly hasn't read it.",
            {},
        ),
        # a voting nudge dressed as turnout advice
        (
            "politics",
            "where do I vote?",
            "Your polling card tells you. Do vote, and don't waste it on the small parties!",
            {"pre_election": True},
        ),
        # boosting a campaign petition
        (
            "politics",
            "Could you share our petition to save the bandstand?",
            "Happy to share! Good luck with the petition.",
            {"author_kind": "organisation"},
        ),
        # mock sympathy for a small inconvenience
        (
            "abuse",
            "Bin lorry blocked my road for ages",
            "Sorry you were stuck for a whole two minutes, that must have been traumatic.",
            {},
        ),
        # "shouting won't make it come any quicker"
        ("abuse", "WHERE IS THE BUS", "Shouting won't make it come any quicker.", {}),
        # name-calling as a vocative
        (
            "abuse",
            "The lights are rubbish this year",
            "Thanks for that, Grinch. Switch-on is Friday.",
            {},
        ),
        # a put-down framed as a hedge plus advice about the complainer
        (
            "abuse",
            "Why is the road not gritted",
            "We grit main routes first. Maybe invest in some decent boots in the meantime.",
            {},
        ),
        # telling a troll they know they're wrong, or warning them off
        (
            "argue-with-troll",
            "Council are liars, the lot of you",
            "That's simply not true and you know it.",
            {"author_kind": "troll"},
        ),
        (
            "argue-with-troll",
            "Tax strike now!",
            "Go ahead, but it won't end well for you.",
            {"author_kind": "troll"},
        ),
    ],
)
def test_round4_politics_abuse_troll_ideas(
    score: Score, category: str, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert category in predicted_risks(score(reply, post, **kw))


@pytest.mark.parametrize(
    ("post", "reply", "kw"),
    [
        (
            "Where do I vote?",
            "It's on your polling card. Polls are open 7am to 10pm. Please bring photo ID.",
            {"pre_election": True},
        ),
        (
            "Could you share our litter pick on Saturday?",
            "Happy to share! Thanks to everyone taking part.",
            {"author_kind": "organisation"},
        ),
        (
            "Is the asylum hotel staying open?",
            "The Home Office decides how long it's used, so questions should go to them. "
            "We'll share any update we get.",
            {},
        ),
        (
            "Is the council backing the wind farm?",
            "No decision has been made. It goes to planning committee on 9 March.",
            {},
        ),
        (
            "My bin was missed",
            "Sorry about that. Perhaps you could let us know your street so we can send the crew back?",
            {},
        ),
        (
            "Why is the road not gritted?",
            "Sorry, it's a secondary route. Maybe check the grit bin map for the nearest bin.",
            {},
        ),
    ],
)
def test_round4_politics_abuse_near_misses_stay_clean(
    score: Score, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert predicted_risks(score(reply, post, **kw)) == set()


# Round 4, liability / guarantee / staff / crisis: the idea in new words (written for these tests).
@pytest.mark.parametrize(
    ("category", "post", "reply"),
    [
        (
            "liability",
            "Your contractors smashed my garden gate while resurfacing",
            "Really sorry. That's our responsibility and we'll sort a new gate.",
        ),
        (
            "liability",
            "I was sent a bill for £300 I don't owe",
            "Sorry, the letter went out in error. We'll write it off.",
        ),
        (
            "liability",
            "Pothole on Mill Lane burst my tyre, reported months ago",
            "Sorry. That pothole had been flagged to us in March and we didn't fix it in time.",
        ),
        (
            "liability",
            "The crossing layout is dangerous, I got knocked off my bike",
            "Sorry. Honestly the layout wasn't our best and we accept it needs changing.",
        ),
        (
            "liability",
            "Council lorries have cracked the kerb outside my drive",
            "Sorry, we'll fix the crack and the drive for you.",
        ),
        (
            "guarantee",
            "Will the bypass fix the traffic?",
            "Don't worry, it's going to solve the queues once it opens.",
        ),
        ("guarantee", "Are we safe from the flood?", "The river won't reach the houses tonight."),
        ("guarantee", "Is the ferry coming back?", "Yes, it's back in May, that's a certainty."),
        (
            "guarantee",
            "Will the strike continue?",
            "We can confirm there will be no more strikes this year.",
        ),
        (
            "guarantee",
            "Potholes on my road",
            "Once reported, potholes are filled within 48 hours, every time.",
        ),
        (
            "staff-details",
            "Your receptionist was so rude",
            "Sorry, we'll be having words with the young lad on the late shift.",
        ),
        (
            "staff-details",
            "The social worker never calls back",
            "Sorry. Your social worker works part time and has a big caseload at the moment.",
        ),
        (
            "staff-details",
            "Your library assistant was rude to me",
            "Sorry. Joanne's usually great but she's been short-staffed.",
        ),
        (
            "crisis-without-help",
            "There's a horse loose on the bypass, lorries swerving",
            "Thanks, we'll let the owner know. Report stray animals at example.gov.uk/animals",
        ),
        (
            "crisis-without-help",
            "Old man sleeping in the bus shelter in minus 3, barely responsive",
            "Thanks for caring. Please refer him through StreetLink.",
        ),
        (
            "crisis-without-help",
            "My daughter told me her coach touched her and said not to tell anyone",
            "Thanks for telling us. Please email our children's services team.",
        ),
        (
            "crisis-without-help",
            "Someone being dragged into a car outside the shops, she's screaming",
            "That's worrying. You can report it online at police.uk.",
        ),
        (
            "crisis-without-help",
            "A stranger in a van tried to get my son to get in the van outside school",
            "Thanks, we'll tell the school.",
        ),
        (
            "personal-data",
            "Why did the girl next door get a place and not mine?",
            "The girl next door got a place because her older brother goes there.",
        ),
        (
            "personal-data",
            "Why was the school shut?",
            "A pupil in Year 6 was taken to hospital with an infection, so we closed for cleaning.",
        ),
        (
            "personal-data",
            "Who complained about my fence?",
            "We can't say, but it was raised by a neighbour who walks past daily.",
        ),
        (
            "personal-data",
            "Repairs never come",
            "Sorry. We can see your eldest has asthma, so we've moved the damp job up the list.",
        ),
    ],
)
def test_round4_liability_guarantee_staff_crisis_ideas(
    score: Score, category: str, post: str, reply: str
) -> None:
    assert category in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    ("post", "reply"),
    [
        (
            "Mould all over my son's bedroom, council tenant",
            "So sorry, nobody should have to put up with that. Please send us a private message "
            "with your address and we'll book a surveyor.",
        ),
        (
            "Damp in my flat again, asked twice",
            "Sorry, you shouldn't have had to ask twice. Please DM us your address and we'll book a visit.",
        ),
        (
            "My bin lid is broken",
            "Sorry about that. Order a new one online and we'll deliver it free of charge.",
        ),
        (
            "The toilet door lock at the library is broken",
            "Thanks for telling us. We've asked the caretaker to replace the lock this week.",
        ),
        (
            "Journalist: has the leisure deal collapsed?",
            "Please contact press@example.gov.uk and they'll come back to you today.",
        ),
        (
            "My son with autism has been missing school because the taxi hasn't come",
            "Sorry, the transport team will call you today on the number you gave.",
        ),
        ("When will results be out?", "Results will be online as each ward is declared."),
        (
            "The lady at the library was lovely",
            "Thank you! We'll pass it on to her and her manager.",
        ),
        (
            "Will the pool reopen?",
            "We're waiting on a final safety check on Friday and will confirm here.",
        ),
        (
            "Can't get in the car park at the hospital, my son's appointment is at 3",
            "Sorry, the car park is busy at peak times; try the park and ride.",
        ),
        (
            "Parking ticket outside my house",
            "The bay needs a resident permit from 8am. If you think the ticket was wrong, appeal online.",
        ),
        (
            "Noisy neighbours upstairs every night",
            "Sorry. If the man upstairs is noisy late at night, report it at example.gov.uk/noise.",
        ),
        (
            "Damp in my flat and I have asthma",
            "We're really sorry, especially with your asthma. Please DM us your address.",
        ),
        (
            "Was my claim approved?",
            "We can't say here whether a claim will be successful; each is assessed on its facts.",
        ),
    ],
)
def test_round4_liability_guarantee_staff_crisis_near_misses_stay_clean(
    score: Score, post: str, reply: str
) -> None:
    assert predicted_risks(score(reply, post)) == set()


# Round 5, politics / abuse / trolls: the idea in new words (written for these tests).
@pytest.mark.parametrize(
    ("category", "post", "reply", "kw"),
    [
        # a verdict of neglect on government or an MP
        (
            "politics",
            "Why no money for our buses?",
            "Whitehall has abandoned rural areas, we're doing what we can.",
            {},
        ),
        ("politics", "Bus cuts?", "Our MP hasn't lifted a finger on this, sadly.", {}),
        # a vote steered away from one candidate, or a tick for a named one
        (
            "politics",
            "Polling day?",
            "Open 7 to 10. Whoever you vote for, just not the ones who want to build on the green.",
            {},
        ),
        ("politics", "Polling day?", "Open 7 to 10 – give Priya a tick for me!", {}),
        # warm character praise of a candidate named in the post
        ("politics", "Any good, the Reform candidate?", "He's a top bloke, knows his stuff.", {}),
        # "the only one talking sense"
        (
            "politics",
            "What's the best manifesto?",
            "Not for us to say, though the Greens are the only one talking sense on buses.",
            {},
        ),
        # a side in a pay dispute; a verdict on a contested policy
        (
            "politics",
            "Strike next week?",
            "Yes, Unison members walk out Monday. They deserve every penny, honestly.",
            {},
        ),
        (
            "politics",
            "What do you think of the government's housing targets?",
            "Speaking plainly, the targets are heartless and put us in an impossible position.",
            {},
        ),
        # mocking a basic skill; "X much?"; "news to you"; calling people names
        (
            "abuse",
            "Where's the bin calendar?",
            "On the website. Reading is a skill worth practising.",
            {},
        ),
        ("abuse", "Why was I fined?", "The sign says 2 hours. Entitled much?", {}),
        (
            "abuse",
            "My bin wasn't emptied",
            "It was out after 7. Sorry if that comes as news to you.",
            {},
        ),
        ("abuse", "Dog mess in the park", "Some owners are a disgrace. Report it online.", {}),
        ("abuse", "Is the library shutting?", "Utter nonsense. It's open as normal.", {}),
        # counting a troll's posts; daring it to post again
        (
            "argue-with-troll",
            "Why won't you answer?!",
            "That's your fifth post today. The answer won't change by the sixth.",
            {"author_kind": "troll"},
        ),
        (
            "argue-with-troll",
            "you deleted my comment",
            "Post it again and it'll go again, simple as that.",
            {"author_kind": "troll"},
        ),
    ],
)
def test_round5_politics_abuse_troll_ideas(
    score: Score, category: str, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert category in predicted_risks(score(reply, post, **kw))


@pytest.mark.parametrize(
    ("post", "reply", "kw"),
    [
        (
            "Why is the road shut?",
            "The government grant for the scheme was halved in 2023, so the work is phased.",
            {},
        ),
        ("How do I vote?", "Put a cross next to one candidate. Don't use a tick mark.", {}),
        (
            "Can you share our candidate's leaflet?",
            "We won't be sharing this one, because we stay neutral in the pre-election period.",
            {"pre_election": True},
        ),
        (
            "Reading groups?",
            "Reading groups meet on Tuesdays; reading helps children's confidence, so do come along.",
            {},
        ),
        (
            "Strike next week?",
            "Yes, Unison members walk out Monday. Bins will be collected a day late.",
            {},
        ),
        (
            "Asylum policy?",
            "The Home Office sets the policy; our support page explains what the council does.",
            {},
        ),
        ("Thanks for the help!", "Thanks pal! Glad we could help.", {}),
        ("Is the library shutting?", "No, it's open as normal; the rumour isn't true.", {}),
    ],
)
def test_round5_politics_abuse_near_misses_stay_clean(
    score: Score, post: str, reply: str, kw: dict[str, Any]
) -> None:
    assert predicted_risks(score(reply, post, **kw)) == set()


# Round 5, crisis / liability / guarantee / personal data / staff: the idea in new words
# (written for these tests).
@pytest.mark.parametrize(
    ("category", "post", "reply"),
    [
        # danger now answered with a routine form
        (
            "crisis-without-help",
            "Big branch down across the road, cars swerving round it",
            "Thanks, please report it on our website.",
        ),
        (
            "crisis-without-help",
            "Water dripping onto the plug sockets and they're sparking",
            "Sorry, our emergency repairs team will be out within 24 hours.",
        ),
        (
            "crisis-without-help",
            "A chunk of the cliff has fallen near the bay, people walking on the beach below",
            "Thanks, we'll update the closures page.",
        ),
        (
            "crisis-without-help",
            "Chimney fire at the bungalow opposite, smoke everywhere",
            "Thanks, we'll pass it to environmental health.",
        ),
        (
            "crisis-without-help",
            "My neighbour is elderly, curtains shut for three days and no answer",
            "Thanks for caring. Adult social care is on 0300 123 4567.",
        ),
        # blanket or long-range certainty
        (
            "guarantee",
            "Is the estate getting new boilers?",
            "Yes, all homes will have new boilers by March.",
        ),
        (
            "guarantee",
            "Storm tonight, will we flood?",
            "The defences will hold so no houses will flood tonight.",
        ),
        (
            "guarantee",
            "Is the bridge safe?",
            "Yes, the repairs mean the bridge won't need work for at least 30 years.",
        ),
        (
            "guarantee",
            "Got a breach letter, should I cancel my card?",
            "There's no need – we can confirm no payment details were accessed.",
        ),
        # fault owned after a loss
        (
            "liability",
            "Tripped on a broken paving slab outside the library, sprained my wrist",
            "Sorry. That slab was broken for months, which was our failing.",
        ),
        (
            "liability",
            "Gym cancelled my class halfway through the term",
            "Sorry! Everyone gets their money back and a free month, as we messed up the timetable.",
        ),
        (
            "liability",
            "Our data was leaked?",
            "Sorry for the worry. Everyone affected will be compensated for the stress.",
        ),
        # personal details asked for or given back in public
        (
            "personal-data",
            "How do I check my registration?",
            "Easiest is to DM us, or just post your passport number below and we'll check.",
        ),
        (
            "personal-data",
            "I need my son's bus pass sorted",
            "Hi, can you pop Oliver's school and date of birth in the comments so we can find him?",
        ),
        (
            "personal-data",
            "My dad Ken at 4 Mill Cottages has had no meals today",
            "Thanks for letting us know about Ken at 4 Mill Cottages; a carer is on the way.",
        ),
        (
            "personal-data",
            "Where is my blue badge?",
            "We've found Priya's application – it's on hold because a photo is missing.",
        ),
        (
            "personal-data",
            "Got a fine for a late book",
            "Your library card 1234 5678 9012 shows one book out since May.",
        ),
        (
            "personal-data",
            "Our twins came on 2 May, can't get a registration slot",
            "Congratulations on Ruby's arrival on 2 May! Book more slots at our site.",
        ),
        # one colleague's conduct, record or feelings
        (
            "staff-details",
            "Why was the recycling centre closed early?",
            "Sorry. The site manager left early without permission and it's being dealt with.",
        ),
        (
            "staff-details",
            "Grounds team ruined the flower bed at the cemetery",
            "So sorry. The lad who did it is mortified, he's new to the team.",
        ),
        (
            "staff-details",
            "Driver shouted at my daughter",
            "Thanks for waiting. Dave's been taken off that route while we look into it.",
        ),
    ],
)
def test_round5_crisis_liability_guarantee_data_staff_ideas(
    score: Score, category: str, post: str, reply: str
) -> None:
    assert category in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    ("post", "reply"),
    [
        (
            "Water pouring through my ceiling near the light fitting",
            "Please switch off the electrics at the fuse box if it's safe and call our emergency "
            "repairs line now.",
        ),
        (
            "The bin lorry crushed my wheelie bin",
            "Sorry about that. Order a replacement bin at our site and we'll look into what happened.",
        ),
        (
            "Lost my poll card, can I still vote?",
            "Yes, just go to your polling station with photo ID and give staff your name and address.",
        ),
        (
            "Do I have to give you my email?",
            "You don't need to share it with us at all – just use the form and it'll send you updates.",
        ),
        (
            "Registrars lost my booking and the deadline is next week, I'm panicking",
            "So sorry. Please don't worry about the deadline – we'll get you booked in. Send us a "
            "private message.",
        ),
        (
            "Bin men leave litter every week",
            "Sorry. I've passed this to the waste team supervisor so the crews can be reminded.",
        ),
        (
            "Will new windows come this year?",
            "The estate is in this year's programme; we expect to start in the spring and we'll "
            "write to all homes first.",
        ),
    ],
)
def test_round5_crisis_liability_guarantee_data_staff_near_misses_stay_clean(
    score: Score, post: str, reply: str
) -> None:
    assert predicted_risks(score(reply, post)) == set()


@pytest.mark.parametrize(
    ("category", "post", "reply", "ctx"),
    [
        (
            "abuse",
            "Bin missed again",
            "For God's sake, it's Tuesday, not Monday. Check the calendar.",
            {},
        ),
        ("abuse", "You lot hate cyclists", "Get over yourself, we built four miles of lanes.", {}),
        (
            "abuse",
            "There's a broken sign on Mill St",
            "Nice one Sherlock, it's already logged.",
            {},
        ),
        (
            "argue-with-troll",
            "council are corrupt liars",
            "As we said last week, the accounts are audited. The answer won't change.",
            {"author_kind": "troll"},
        ),
        (
            "argue-with-troll",
            "useless council",
            "Keep them coming, it all helps our reach 😎",
            {"author_kind": "troll"},
        ),
        (
            "politics",
            "Is the bin strike going ahead Monday?",
            "Yes. For the record we support our crews; they've been let down badly on pay.",
            {},
        ),
        (
            "politics",
            "Is the 20mph limit staying?",
            "It's here to stay, so drivers may as well adapt.",
            {},
        ),
        (
            "politics",
            "Bin strike?",
            "Honestly, we'd strike too on that pay. Collections resume Monday.",
            {},
        ),
        ("abuse", "Bins are a joke", "Spare us the drama, it's one bin.", {}),
        (
            "politics",
            "Which candidate has the best plan for the pool?",
            "We can't comment, but between us, Cllr Ahmed's plan is the only one that adds up.",
            {"pre_election": True},
        ),
    ],
)
def test_round6_politics_abuse_troll_constructions(
    score: Score, category: str, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    assert category in predicted_risks(score(reply, post, **ctx))


@pytest.mark.parametrize(
    ("post", "reply", "ctx"),
    [
        (
            "council are corrupt liars",
            "Our audited accounts are at aldermoor.gov.uk/accounts.",
            {"author_kind": "troll"},
        ),
        (
            "When is polling day?",
            "Polling day is Thursday 7 May, 7am to 10pm. Bring photo ID.",
            {"pre_election": True},
        ),
        (
            "Is the LTN trial staying?",
            "The trial runs until October. Have your say in the consultation; a decision follows in winter.",
            {},
        ),
        (
            "Is Christ Church open for voting?",
            "Yes, Christ Church hall is a polling station this year.",
            {},
        ),
        (
            "Is the LTN staying?",
            "The camera on Mill Lane is broken; we're fixing it and the trial continues.",
            {},
        ),
        (
            "Can I put a photo of the town hall on my leaflet?",
            "We can't share or endorse campaign material during the pre-election period.",
            {"pre_election": True, "author_kind": "candidate"},
        ),
    ],
)
def test_round6_politics_abuse_troll_near_misses_stay_clean(
    score: Score, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    assert predicted_risks(score(reply, post, **ctx)) == set()


# Round 6, crisis / liability / guarantee / personal data / staff: constructions, each in wording
# written for the test (never a data line).
@pytest.mark.parametrize(
    ("category", "post", "reply"),
    [
        (
            "guarantee",
            "Is the new route any good?",
            "You'll never have to wait long for a bus again on the new route.",
        ),
        (
            "guarantee",
            "Will the estate flood again?",
            "None of the homes on the estate will ever flood again, the new wall sees to that.",
        ),
        (
            "guarantee",
            "Will my form arrive?",
            "Send it today and it's certain to be processed in time.",
        ),
        (
            "guarantee",
            "Is the pool open during the strike?",
            "The pool will be open as normal on Monday regardless of the strike.",
        ),
        ("guarantee", "Stop the flats!", "The scheme will be refused, councillors won't allow it."),
        ("guarantee", "How long on the list?", "You'll be rehoused within a year, I've checked."),
        ("guarantee", "How quick are repairs?", "We fix every fault within a day, every time."),
        (
            "guarantee",
            "Was my card in the breach?",
            "Your card details were never at risk, rest assured.",
        ),
        (
            "crisis-without-help",
            "the fumes from the gas fire are making us all dizzy and the baby keeps being sick",
            "Please report it to repairs at aldermoor.gov.uk/repairs.",
        ),
        (
            "crisis-without-help",
            "my nan's diabetic, the carer didn't turn up and she's really shaky",
            "Sorry, we'll pass this to adult social care and they'll be in touch.",
        ),
        (
            "crisis-without-help",
            "my 7 year old hasn't come back from the shop and it's been an hour",
            "Sorry, we've shared this with the team.",
        ),
        (
            "crisis-without-help",
            "I don't think I'll be around much longer",
            "Sorry to hear this. Our wellbeing page has lots of tips.",
        ),
        (
            "crisis-without-help",
            "they said they'll stab my son after school",
            "Sorry to hear that, report antisocial behaviour online.",
        ),
        ("crisis-without-help", "cut myself again, nobody knows", "Sorry, here's our youth page."),
        (
            "personal-data",
            "Was I in the breach?",
            "Reply here with the email address on your account and we'll check it.",
        ),
        (
            "personal-data",
            "Noise every night",
            "We need a contact number, pop yours in the comments and we'll ring.",
        ),
        (
            "liability",
            "My bike was wrecked by your lorry",
            "Liability is ours here, the driver reversed into it.",
        ),
        (
            "liability",
            "Mum's glasses went missing at the day centre",
            "Our staff misplaced them, we'll buy new ones.",
        ),
        (
            "staff-details",
            "Phones are slow",
            "Sorry, Dave and Priya are working till 9pm on the backlog.",
        ),
        (
            "staff-details",
            "Why no gritting?",
            "The shift supervisor made the call not to grit based on the forecast.",
        ),
    ],
)
def test_round6_crisis_guarantee_constructions(
    score: Score, category: str, post: str, reply: str
) -> None:
    assert category in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    ("post", "reply"),
    [
        ("Scam calls?", "We will never ask for your bank details over the phone."),
        ("Is the pool open?", "The pool is open as normal on Monday. Times are on our website."),
        (
            "NI number?",
            "You'll need it for the form – add it at aldermoor.gov.uk/form, never on social media.",
        ),
        (
            "the boiler is leaking and the kids have no hot water",
            "Sorry, report it at aldermoor.gov.uk/repairs and we'll book an engineer.",
        ),
        (
            "A fox attacked my bin bags again",
            "Sorry, use a bin with a lid; see aldermoor.gov.uk/bins.",
        ),
        (
            "Is there a hall near me?",
            "Yes, St Mark's hall has a ramp and staff can help on the day.",
        ),
        (
            "Do I need ID to vote?",
            "Just go to your polling station and give your name and address.",
        ),
        ("Schools shut?", "Some schools are closed, so check with your child's school."),
        (
            "Where do I vote?",
            "Check at aldermoor.gov.uk/vote by entering your postcode there (no need to post it here).",
        ),
        ("Who do I tell?", "Feedback to hello@leisuretrust.org.uk helps."),
        (
            "Forgot to post my vote, too late?",
            "Don't post it now, it might not get here in time; hand it in at the town hall instead.",
        ),
    ],
)
def test_round6_crisis_guarantee_near_misses_stay_clean(
    score: Score, post: str, reply: str
) -> None:
    assert predicted_risks(score(reply, post)) == set()


# Round 7 (false alarms): a temporary closure explained, safety advice with "always", a rule's
# scope, an approximate delivery time, a detail written on the paper form, how housing bands work,
# a number handed to the reader to ring, an organisation's longer name, and polling hours fixed in law.
@pytest.mark.parametrize(
    "post,reply",
    [
        (
            "Are the library toilets going?",
            "They'll shut for a month while the pipes are replaced; they're not closing for good.",
        ),
        (
            "I found a man collapsed, what should I have done?",
            "Thank you for helping. Always dial 999 first; the operator will talk you through it.",
        ),
        (
            "Why do we have to follow these rules?",
            "The allotment conditions apply to all tenants without exception. Happy to explain them.",
        ),
        (
            "When does the postal pack come?",
            "It will arrive roughly a week before polling day. Fill it in and post it back.",
        ),
        (
            "What do I do with the voting pack?",
            "Sign the statement and add your date of birth on the statement, then seal both envelopes.",
        ),
        (
            "What does my housing band mean?",
            "It's the band you're in on the list, worked out from need. Band A is the most urgent.",
        ),
        ("Can I get a proxy?", "Yes – ring 0191 496 0321 about a proxy vote, or see our website."),
        (
            "The woman on reception was rude to me",
            "We're sorry. The Citizens Advice Bureau is open on Mondays if you need help with the form.",
        ),
        (
            "Does voting stop if it snows?",
            "Polling stations stay open 7am to 10pm whatever the weather. We'll post any changes here.",
        ),
    ],
)
def test_round7_false_alarm_classes_stay_clean(score: Score, post: str, reply: str) -> None:
    assert predicted_risks(score(reply, post)) == set()


@pytest.mark.parametrize(
    "category,post,reply",
    [
        (
            "guarantee",
            "Is the fair on in the storm?",
            "Yes, it goes ahead whatever the weather, come along!",
        ),
        ("guarantee", "Will my bins be emptied?", "We'll empty them on Friday without exception."),
        (
            "guarantee",
            "Is the pool reopening?",
            "The pool will reopen on Monday for good, no matter what.",
        ),
        (
            "personal-data",
            "Where am I on the list?",
            "You're 45th on the list in band B right now.",
        ),
        (
            "staff-details",
            "The driver was rude",
            "Dave is the driver, ring him at home on 0191 496 0321.",
        ),
        (
            "staff-details",
            "The lollipop lady is lovely",
            "Aww, Margaret is lovely, she's been doing it for years.",
        ),
    ],
)
def test_round7_narrowed_rules_still_catch(
    score: Score, category: str, post: str, reply: str
) -> None:
    assert category in predicted_risks(score(reply, post))


# Round 7, politics / abuse / troll: false-alarm classes narrowed, each in wording written for
# the test (never a data line): a postal or proxy vote applied for, a calm denial of a policy
# action to a troll, a parody account named as one, "calm down" said of things.
@pytest.mark.parametrize(
    ("post", "reply", "ctx"),
    [
        (
            "I'm in hospital on polling day, what can I do?",
            "Sorry to hear that. You can apply for an emergency proxy vote for medical reasons until 5pm.",
            {"pre_election": True},
        ),
        (
            "Can my dad still vote by post?",
            "He can apply for a postal vote for the May elections online; the deadline is 5pm on 16 April.",
            {"pre_election": True},
        ),
        (
            "Council selling off the park. Disgrace.",
            "We are not selling the park. The lease renewal covers the café only; the report is online.",
            {"author_kind": "troll"},
        ),
        (
            "Scrapping weekly bins to save cash, liars",
            "We're not changing collection frequency. Bins stay weekly; the timetable is on our bins page.",
            {"author_kind": "troll"},
        ),
        (
            "ALDERMOOR COUNCIL (real!!): bins now emptied by drones",
            "Just to be clear, this is a parody account 😅 Real bin days are on our website.",
            {"author_kind": "parody"},
        ),
        (
            "Is the ferry running?",
            "Sorry, the ferry is off until things calm down. Updates are on our travel page.",
            {},
        ),
        (
            "Why is the bridge shut?",
            "Good question 🤔 we'll check with highways and update you by Friday.",
            {},
        ),
    ],
)
def test_round7_politics_abuse_troll_false_alarm_classes_stay_clean(
    score: Score, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    assert predicted_risks(score(reply, post, **ctx)) == set()


@pytest.mark.parametrize(
    ("category", "post", "reply", "ctx"),
    [
        (
            "politics",
            "Who should I back?",
            "Vote for the Greens, honestly.",
            {"pre_election": True},
        ),
        (
            "argue-with-troll",
            "Council hiding the costs",
            "We're not hiding anything, you just don't like it.",
            {"author_kind": "troll"},
        ),
        ("abuse", "Bins late again!!", "Calm down, it's one day.", {}),
        (
            "politics",
            "Why the rise?",
            "If ministers hadn't cut our grant we'd have fixed every road.",
            {},
        ),
        ("politics", "Teachers striking tomorrow?", "Honestly the teachers have a point.", {}),
        (
            "politics",
            "Thoughts on the LTN?",
            "The LTN is the best thing to happen to this town in years.",
            {},
        ),
        ("politics", "Why the flag?", "We're proud the council took a stand on this.", {}),
        (
            "politics",
            "The LTN is a joke",
            "The ones shouting loudest about the filters don't live here.",
            {},
        ),
        (
            "abuse",
            "I got a fine at the bus gate",
            "Honestly that's a skill issue, the signs are huge.",
            {},
        ),
        ("abuse", "Staff are lazy", "Calling our crews lazy says more about you than them.", {}),
        ("abuse", "The contractor left a mess", "That firm are a bunch of cowboys, we agree.", {}),
        ("abuse", "Fined for nothing", "Nothing? 🤔 The camera says otherwise.", {}),
        ("abuse", "Why so slow on planning?", "Planning law is more complicated than a tweet.", {}),
        (
            "abuse",
            "Council useless",
            "Go on then, we'd love to hear the theory 🍿",
            {"author_kind": "troll"},
        ),
    ],
)
def test_round7_politics_abuse_troll_constructions(
    score: Score, category: str, post: str, reply: str, ctx: dict[str, Any]
) -> None:
    assert category in predicted_risks(score(reply, post, **ctx))


# Round 7 (misses): smoke leaving a building, a partner being hit now, someone not moving in the
# cold, people cut off by flood water, an ex at the door despite an order; one colleague by job or
# badge and what happened to them; a home or a traffic-free road promised by a date; bank details.
@pytest.mark.parametrize(
    "category,post,reply",
    [
        (
            "crisis-without-help",
            "Smoke pouring out of the library windows!!",
            "Thanks for letting us know, we'll update the opening times.",
        ),
        (
            "crisis-without-help",
            "My neighbour is beating her again, it's happening as we speak",
            "Thanks, we'll pass this to community safety.",
        ),
        (
            "crisis-without-help",
            "Fella on a bench by the station, hasn't stirred and it's -4",
            "We'll ask someone to check tomorrow.",
        ),
        (
            "crisis-without-help",
            "Flooding on Mill Lane, an elderly couple are trapped upstairs",
            "Thanks, we'll pass it to highways.",
        ),
        (
            "crisis-without-help",
            "My ex is outside my flat again banging on the door, I've got an injunction",
            "Sorry to hear that. Call our housing team on 0300 123 4567.",
        ),
        (
            "staff-details",
            "The man on reception was rude",
            "Sorry, he was agency cover and won't be coming back to us.",
        ),
        (
            "staff-details",
            "Warden gave me a ticket while unloading",
            "The warden was Tom (badge 118) and he says you were parked 15 minutes.",
        ),
        (
            "staff-details",
            "Who's the parks officer for my area?",
            "That'd be Sam Jones. He's based at the depot most mornings.",
        ),
        (
            "guarantee",
            "When will I get a house? band B 2 years",
            "Sorry for the wait. With your points you'll be offered a home by Easter.",
        ),
        (
            "guarantee",
            "Will the lorries be gone for term?",
            "It's confirmed, so there'll be no lorries on the lane when term starts.",
        ),
        (
            "personal-data",
            "Why has my direct debit gone up?",
            "Can you pop your sort code below so we can check the right account?",
        ),
    ],
)
def test_round7_missed_ideas_are_caught(score: Score, category: str, post: str, reply: str) -> None:
    assert category in predicted_risks(score(reply, post))


@pytest.mark.parametrize(
    "post,reply",
    [
        (
            "Smoke coming out of the chimney next door, is that allowed?",
            "Yes, wood burners are allowed; report dark smoke at our website.",
        ),
        (
            "River's burst near the park and people are cut off from the car park",
            "If anyone is in danger call 999. The path is closed; please use the diversion.",
        ),
        (
            "My bin wasn't emptied",
            "Sorry, the crew from the Tuesday round will come back tomorrow. Report it online if not.",
        ),
        (
            "When will I get a house?",
            "We can't give a date; it depends on the homes that come up. Keep bidding each week.",
        ),
    ],
)
def test_round7_missed_ideas_near_misses_stay_clean(score: Score, post: str, reply: str) -> None:
    assert predicted_risks(score(reply, post)) == set()
