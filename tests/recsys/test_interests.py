import numpy as np

from recsys.interests import NOTHING_LEFT, apply_interest_text, read_intent
from recsys.profile import UserProfile


def test_the_intent_is_embedded_what_is_asked_each_interest_and_each_exclusion(fake_encoder):
    profile = UserProfile()
    text = "jazz piano, hiking books, but no horror"
    assert apply_interest_text(profile, text, fake_encoder.encode, "s", None) is None
    assert profile.intent.interests == ("jazz piano", "hiking")
    assert profile.intent.exclusions == ("horror",) and profile.intent.kinds == ("books",)
    assert profile.phrases == ["jazz piano", "hiking"]
    encode = fake_encoder.encode
    np.testing.assert_allclose(profile.anchor, encode(["jazz piano, hiking"])[0], atol=1e-6)
    np.testing.assert_allclose(profile.phrase_vectors, encode(profile.phrases), atol=1e-6)
    np.testing.assert_allclose(profile.exclusion_vectors, encode(["horror"]), atol=1e-6)


def test_a_removed_part_is_left_out_and_removing_everything_says_so(fake_encoder):
    profile = UserProfile()
    text = "jazz, hiking"
    apply_interest_text(profile, text, fake_encoder.encode, "s", None, (("interest", "jazz"),))
    assert profile.phrases == ["hiking"] and profile.intent_removed == (("interest", "jazz"),)
    everything = (("interest", "jazz"), ("interest", "hiking"))
    assert read_intent(text, everything).interests == ()
    before = profile.anchor.copy()
    assert apply_interest_text(profile, text, fake_encoder.encode, "s", None, everything) == (
        NOTHING_LEFT
    )
    np.testing.assert_array_equal(profile.anchor, before)  # the profile is left as it was


def test_kinds_by_meaning_only_when_no_word_names_one(fake_encoder):
    # prototypes by hand: every domain's row is the phrase "sailing" itself but books', which
    # is it exactly; so "sailing" names books by meaning (cosine 1 against 0, margin 1)
    sailing = fake_encoder.encode(["sailing"])[0]
    prototypes = np.zeros((6, len(sailing)), dtype=np.float32)
    prototypes[4] = sailing  # DOMAINS order: ecommerce, news, movies, music, books, courses
    profile = UserProfile()
    apply_interest_text(profile, "sailing", fake_encoder.encode, "s", None, (), prototypes)
    assert profile.intent.kinds == ("books",) and profile.intent.interest_kinds == (("books",),)
    apply_interest_text(
        profile, "a podcast about sailing", fake_encoder.encode, "s", None, (), prototypes
    )
    assert profile.intent.kinds == ("music",)  # the word wins over the meaning
