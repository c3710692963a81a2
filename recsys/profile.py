"""The session's interest profile and how thumbs feedback moves it.

Thumbs move the interest vector by the update rule of ``recsys.update_rule`` (the maths is
there); the profile keeps the log of events, the anchor and the satisfaction history.

Every event keeps the rates it was applied with, so undoing one replays the rest exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from recsys.intent import Intent
from recsys.multi_interest import MAX_INTERESTS, Interests
from recsys.satisfaction import like_share_series, satisfaction_series
from recsys.update_rule import normalise, ranking_query, update_interest

Encode = Callable[[list[str]], NDArray[np.float32]]


@dataclass(frozen=True)
class ProfileSettings:
    """``learning_rate`` a (toward a liked item), ``negative_weight`` b (away from a disliked
    one), ``anchor_weight`` rho (the interest text's share of the ranking query)."""

    learning_rate: float = 0.3
    negative_weight: float = 0.2
    anchor_weight: float = 0.25

    def __post_init__(self) -> None:
        for name in ("learning_rate", "negative_weight", "anchor_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")


@dataclass(frozen=True)
class FeedbackEvent:
    """One thumbs click. ``item_vector`` is the item's embedding (dim,), kept so the profile can
    be replayed even if the catalogue changes, and ``item_text`` the text it was embedded from,
    so it can be embedded again in another space; ``timestamp`` is ISO 8601 UTC."""

    step: int
    item_id: str
    title: str
    liked: bool
    learning_rate: float
    negative_weight: float
    timestamp: str
    item_vector: NDArray[np.float32] = field(repr=False, compare=False)
    item_text: str = field(default="", repr=False, compare=False)

    def as_record(self) -> dict[str, object]:
        """The event as plain JSON-ready values (no vector)."""
        return {
            "step": self.step,
            "item_id": self.item_id,
            "title": self.title,
            "thumbs": "up" if self.liked else "down",
            "learning_rate": self.learning_rate,
            "negative_weight": self.negative_weight,
            "timestamp": self.timestamp,
        }


def trajectory(
    anchor: NDArray[np.float32], events: list[FeedbackEvent]
) -> Iterator[NDArray[np.float32]]:
    """The interest vector before any event (the anchor) and after each one, in order."""
    interest = anchor.astype(np.float32, copy=True)
    yield interest
    for event in events:
        interest = update_interest(
            interest, event.item_vector, event.liked, event.learning_rate, event.negative_weight
        )
        yield interest


def replay(anchor: NDArray[np.float32], events: list[FeedbackEvent]) -> NDArray[np.float32]:
    """The interest vector after applying ``events`` in order, starting from ``anchor``."""
    *_, last = trajectory(anchor, events)
    return last


@dataclass
class UserProfile:
    """Everything the session knows about its visitor; kept under one session-state key.

    ``anchor`` and ``interest_vector`` are (dim,) unit vectors once interests are set, else
    None. ``phrases`` are the interest text's parts and ``phrase_vectors`` (n_phrases, dim)
    their embeddings, used to explain recommendations and as the interests of the
    multi-interest profile. ``space`` names the embedding space all the vectors live in (see
    ``move_to_space``). ``intent`` is what the text asks for (``recsys.intent``), less the
    parts in ``intent_removed``; ``exclusion_vectors`` (n_exclusions, dim) embed its
    exclusions."""

    interest_text: str = ""
    persona_id: str | None = None
    anchor: NDArray[np.float32] | None = None
    interest_vector: NDArray[np.float32] | None = None
    phrases: list[str] = field(default_factory=list)
    phrase_vectors: NDArray[np.float32] | None = None
    feedback_log: list[FeedbackEvent] = field(default_factory=list)
    space: str = ""
    intent: Intent | None = None
    intent_removed: tuple[tuple[str, str], ...] = ()
    exclusion_vectors: NDArray[np.float32] | None = None

    @property
    def has_interests(self) -> bool:
        return self.anchor is not None

    @property
    def rated(self) -> dict[str, bool]:
        """item_id -> liked, for every rated item."""
        return {event.item_id: event.liked for event in self.feedback_log}

    @property
    def satisfaction_history(self) -> list[float]:
        """S_1..S_n, one per feedback step (see ``recsys.satisfaction``)."""
        return satisfaction_series([event.liked for event in self.feedback_log]).tolist()

    def as_record(self, settings: ProfileSettings) -> dict[str, object]:
        """The whole session as JSON-ready values: interests, settings, feedback log with
        timestamps, and the satisfaction and like-share histories."""
        likes = [event.liked for event in self.feedback_log]
        return {
            "interest_text": self.interest_text,
            "persona_id": self.persona_id,
            "settings": dataclasses.asdict(settings),
            "feedback_log": [event.as_record() for event in self.feedback_log],
            "satisfaction_history": self.satisfaction_history,
            "like_share_history": like_share_series(likes).tolist(),
        }

    def query(self, settings: ProfileSettings) -> NDArray[np.float32]:
        """The vector recommendations are ranked by (module docstring)."""
        if self.anchor is None or self.interest_vector is None:
            raise ValueError("the profile has no interests yet")
        return ranking_query(self.interest_vector, self.anchor, settings.anchor_weight)

    def interests(self, settings: ProfileSettings) -> Interests | None:
        """One interest per stated phrase (the first ``MAX_INTERESTS``), replayed from the
        feedback log in order (``recsys.multi_interest``); None before interests are set."""
        if self.phrase_vectors is None or len(self.phrase_vectors) == 0:
            return None
        anchors = self.phrase_vectors[None, :MAX_INTERESTS]
        state = Interests.start(anchors, np.ones(anchors.shape[:2], dtype=bool))
        for event in self.feedback_log:
            state.record(
                np.zeros(1, dtype=np.intp),
                event.item_vector[None, :],
                np.array([1 if event.liked else -1], dtype=np.int8),
                event.learning_rate,
                event.negative_weight,
                settings.anchor_weight,
            )
        return state

    def interest_path(self, settings: ProfileSettings) -> NDArray[np.float32]:
        """The ranking query before any feedback and after each step: (n_events + 1, dim).
        Row 0 is the visitor's own words (blended with themselves); row t follows event t."""
        if self.anchor is None:
            raise ValueError("the profile has no interests yet")
        return np.vstack(
            [
                ranking_query(interest, self.anchor, settings.anchor_weight)
                for interest in trajectory(self.anchor, self.feedback_log)
            ]
        )

    def set_interests(
        self,
        text: str,
        anchor: NDArray[np.float32],
        phrases: list[str],
        phrase_vectors: NDArray[np.float32],
        persona_id: str | None = None,
        space: str = "",
        encode: Encode | None = None,
    ) -> None:
        """New interest text: a new anchor, and the feedback so far replayed from it. Rated
        items from another embedding ``space`` are embedded again with ``encode`` first."""
        if self.feedback_log and space != self.space:
            if encode is None:
                raise ValueError("feedback from another embedding space needs an encoder")
            vectors = encode([event.item_text or event.title for event in self.feedback_log])
            self.feedback_log = [
                dataclasses.replace(event, item_vector=vector)
                for event, vector in zip(self.feedback_log, vectors, strict=True)
            ]
        self.space = space
        self.interest_text = text
        self.persona_id = persona_id
        self.anchor = normalise(anchor)
        self.phrases = list(phrases)
        self.phrase_vectors = phrase_vectors
        self.interest_vector = replay(self.anchor, self.feedback_log)

    def record_feedback(
        self,
        item_id: str,
        title: str,
        item_vector: NDArray[np.float32],
        liked: bool,
        settings: ProfileSettings,
        now: datetime,
        item_text: str = "",
    ) -> FeedbackEvent:
        """Apply one thumbs click at once (a second click on the same item replaces the first)."""
        if self.interest_vector is None:
            raise ValueError("set interests before giving feedback")
        if item_id in self.rated:
            self.undo_feedback(item_id)
        event = FeedbackEvent(
            step=len(self.feedback_log) + 1,
            item_id=item_id,
            title=title,
            liked=liked,
            learning_rate=settings.learning_rate,
            negative_weight=settings.negative_weight,
            timestamp=now.isoformat(timespec="seconds"),
            item_vector=np.asarray(item_vector, dtype=np.float32),
            item_text=item_text,
        )
        self.feedback_log.append(event)
        self.interest_vector = update_interest(
            self.interest_vector,
            event.item_vector,
            liked,
            event.learning_rate,
            event.negative_weight,
        )
        return event

    def move_to_space(self, space: str, encode: Encode) -> bool:
        """Embed the interest text, its phrases and every rated item again with ``encode``, in
        ``space``, and replay the feedback there. (Only the TF-IDF fallback gives each
        catalogue a space of its own.) Returns False, changing nothing, when the interest text
        has no vector in the new space (none of its words occur there)."""
        query = self.intent.query_text if self.intent is not None else ""
        exclusions = list(self.intent.exclusions) if self.intent is not None else []
        vectors = encode([query or self.interest_text, *self.phrases, *exclusions])
        if not np.any(vectors[0]):
            return False
        self.set_interests(
            self.interest_text,
            vectors[0],
            self.phrases,
            vectors[1 : 1 + len(self.phrases)],
            self.persona_id,
            space,
            encode,
        )
        self.exclusion_vectors = vectors[1 + len(self.phrases) :]
        return True

    def undo_feedback(self, item_id: str) -> None:
        """Forget the rating of ``item_id``: later events are renumbered and replayed."""
        kept = [event for event in self.feedback_log if event.item_id != item_id]
        self.feedback_log = [
            dataclasses.replace(event, step=step) for step, event in enumerate(kept, start=1)
        ]
        if self.anchor is not None:
            self.interest_vector = replay(self.anchor, self.feedback_log)
