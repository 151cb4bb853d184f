"""The annotation schema: entity labels and typed relations, shared by every package."""

ENTITY_LABELS: tuple[str, ...] = (
    "PERSON",
    "TITLE",
    "ORG",
    "AMOUNT",
    "COUNT",
    "RATE",
    "STRATEGY",
    "METRIC",
    "DATE",
)

# relation type -> (allowed head labels, tail label)
RELATION_SCHEMA: dict[str, tuple[frozenset[str], str]] = {
    "has_title": (frozenset({"PERSON"}), "TITLE"),
    "amount_of": (frozenset({"AMOUNT"}), "METRIC"),
    "count_of": (frozenset({"COUNT"}), "METRIC"),
    "rate_of": (frozenset({"RATE"}), "METRIC"),
    "in_period": (frozenset({"AMOUNT", "COUNT", "RATE"}), "DATE"),
}

RELATION_TYPES: tuple[str, ...] = tuple(RELATION_SCHEMA)


def bio_tags() -> list[str]:
    """The BIO tag set in a fixed order: O first, then B-/I- per label."""
    tags = ["O"]
    for label in ENTITY_LABELS:
        tags += [f"B-{label}", f"I-{label}"]
    return tags


def relation_type_for(head_label: str, tail_label: str) -> list[str]:
    """Relation types whose schema admits this (head, tail) label pair."""
    return [rel for rel, (heads, tail) in RELATION_SCHEMA.items() if head_label in heads and tail_label == tail]
