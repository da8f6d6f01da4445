"""Generate large, realistic comment threads quickly, for load tests and benchmarks.

A discussion is planned in memory first: who writes, what they write, when, and whom
they answer (replies prefer recent and popular comments, many comments start a thread of
their own, and nothing nests deeper than the site allows). The nested-set numbers
(`tree_id`, `lft`, `rght`, `level`) are then computed from that plan, and the comments
are written with `bulk_create`, one level at a time so every parent has its primary key
before its replies are written, all in one transaction.

django-mptt is bypassed on purpose (it would shift numbers after every insert), so the
result is verified with `find_tree_problems()` before the transaction commits: a plan
that does not describe sound trees is rolled back, never stored.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from comments.models import Comment
from comments.rendering import render_comment_body
from comments.signals import comments_changed
from comments.trees import NestedSet, find_tree_problems, lock_tree, number_nested_sets

# About a third of the comments on a busy post answer the post itself; the rest reply.
ROOT_SHARE = 0.3
# A reply goes to one of the latest comments this often (a live exchange), otherwise to
# any earlier comment, which favours threads that are already long (popular ones).
RECENT_SHARE = 0.6
RECENT_WINDOW = 15.0
# Mean minutes between two comments.
MEAN_GAP_MINUTES = 25.0
ANONYMOUS_SHARE = 0.12
EMAIL_SHARE = 0.6
NOTIFY_SHARE = 0.2
LINK_SHARE = 0.05

FIRST_NAMES = (
    "Emma", "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Lily", "Ruth",
    "Sarah", "Helen", "Claire", "Fiona", "Aisha", "Priya", "Mary", "Joanne", "Nadia", "Kate",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "James", "David", "Tom", "Mark",
    "Paul", "Andrew", "Rahul", "Omar", "Sean", "Gareth", "Iain", "Michael", "Peter", "Sam",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Evans", "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Khan", "Lewis",
    "Murphy", "O'Brien", "MacLeod", "Campbell", "Kowalski", "Nowak", "Schmidt", "Rossi",
)  # fmt: skip
HANDLES = (
    "MSer", "Dre", "MD2", "Anon MSer", "Lucky1", "Relapsing Remitting", "SPMS Steve",
    "Neurogirl", "Team G fan", "Barts Watcher", "Hopeful", "Carer of an MSer", "EBV sceptic",
)  # fmt: skip
DOMAINS = ("example.org", "example.com", "example.net")

SENTENCES = (
    "Thanks for writing this up so clearly.",
    "I was diagnosed in 2009 and have been on three different DMTs since then.",
    "My neurologist never mentioned any of this at my last appointment.",
    "Is there any data on how often this happens after alemtuzumab?",
    "This is exactly why people with MS need to be told about the risks up front.",
    "The infection risk seems to be highest in the first months after each course.",
    "Surely NMO should have been ruled out before treatment was started?",
    "Aquaporin-4 antibody testing was not routine back then, as far as I know.",
    "I had my second course of alemtuzumab last year and so far so good.",
    "Has anyone here switched from natalizumab because of JCV?",
    "Vitamin D levels were never checked in my clinic, which still surprises me.",
    "We really need better biomarkers of progression, not just relapse counts.",
    "The MRI showed two new lesions but I feel better than I have in years.",
    "Fatigue is the symptom nobody sees and everybody underestimates.",
    "Could you explain what the macrophage infiltrates mean for the rest of us?",
    "I think the trial population was much younger than the patients we see in clinic.",
    "Early aggressive treatment makes sense to me, but the risks are real.",
    "My wife has had MS for twenty years and she still works full time.",
    "Does anyone know whether cladribine would have been an option here?",
    "The EBV hypothesis gets more convincing every year.",
    "I would love to see this case discussed at the next ECTRIMS meeting.",
    "Please keep posting these case reports; they help us ask better questions.",
    "Not every bad outcome means the drug was the wrong choice.",
    "It is easy to judge in hindsight; the clinicians had to decide in real time.",
    "How long after the infusion did the first symptoms appear?",
    "I agree with the previous comment about informed consent.",
    "Sorry, but this reads like scaremongering to me.",
    "Thank you, Prof G, for answering questions here at all.",
    "My EDSS went from 6.0 to 4.5 after treatment, so I am grateful for it.",
    "We should not forget how many people have done well on these drugs.",
    "The paper says the patient had recurrent infections before treatment.",
    "Is it possible that this was a rebound rather than a new disease process?",
    "I have read the abstract twice and still do not follow the conclusion.",
    "Plasma exchange helped my friend with NMO enormously.",
    "What would you do differently now, knowing what we know?",
    "This is why registries and long-term follow-up matter so much.",
    "Our MS nurse is brilliant, but she has three hundred patients.",
    "I hope the family got answers in the end.",
    "Exercise and sleep made more difference to me than any pill.",
    "Interesting that the lesions were in the brainstem.",
)  # fmt: skip
OPENERS = ("Agreed.", "Good point.", "Well said.", "I disagree.", "Hmm.", "Exactly this.")
LINKS = (
    "https://pubmed.ncbi.nlm.nih.gov/25340085/",
    "https://doi.org/10.1212/NXI.0000000000000034",
    "https://www.nationalmssociety.org/",
    "https://www.mssociety.org.uk/",
)


@dataclass
class _Node:
    index: int
    parent: "_Node | None"
    level: int
    children: list["_Node"] = field(default_factory=list)
    comment: Comment | None = None


@dataclass(frozen=True)
class GeneratedComments:
    """What `comments_generate` wrote."""

    count: int
    roots: int
    max_level: int
    tree_ids: range


def _plan_tree(rng: random.Random, count: int, max_depth: int) -> list[_Node]:
    """Return every comment's node in writing order, each knowing its parent and level.

    As on the site (`comments.services.reply_target`), a reply to a comment at the
    deepest level attaches beside it, to that comment's parent.
    """
    max_level = max_depth - 1
    nodes: list[_Node] = []
    for index in range(count):
        if not nodes or max_level == 0 or rng.random() < ROOT_SHARE:
            nodes.append(_Node(index, None, 0))
            continue
        if rng.random() < RECENT_SHARE:
            back = int(rng.expovariate(1 / RECENT_WINDOW))
            target = nodes[max(0, len(nodes) - 1 - back)]
        else:
            target = nodes[rng.randrange(len(nodes))]
        while target.level >= max_level:
            target = target.parent
        node = _Node(index, target, target.level + 1)
        target.children.append(node)
        nodes.append(node)
    return nodes


def _insert_by_level(nodes: list[_Node], numbers: list[NestedSet], batch_size: int) -> None:
    """Insert the planned comments one level at a time, so every parent has its key."""
    by_level: dict[int, list[_Node]] = {}
    for node in nodes:
        by_level.setdefault(node.level, []).append(node)
    for level in sorted(by_level):
        batch = []
        for node in by_level[level]:
            comment, place = node.comment, numbers[node.index]
            comment.tree_id, comment.lft, comment.rght = place.tree_id, place.lft, place.rght
            comment.parent_id = node.parent.comment.pk if node.parent else None
            batch.append(comment)
        Comment.objects.bulk_create(batch, batch_size=batch_size)


class _Writer:
    """Invent commenters and their words, reproducibly from one random generator."""

    def __init__(self, rng: random.Random, count: int):
        self.rng = rng
        # Regulars write most comments: a pool of people picked with Zipf-like weights.
        pool_size = max(12, count // 8)
        self.people = [self._person(i) for i in range(pool_size)]
        weights = [1 / (rank + 1) for rank in range(pool_size)]
        total = 0.0
        self.cum_weights = []
        for weight in weights:
            total += weight
            self.cum_weights.append(total)

    def _person(self, i: int) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < ANONYMOUS_SHARE:
            name = ""
        elif rng.random() < 0.15:
            name = rng.choice(HANDLES)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        email = ""
        if name and rng.random() < EMAIL_SHARE:
            dotted = name.lower().replace(" ", ".")
            local = "".join(ch for ch in dotted if ch.isalnum() or ch == ".")
            email = f"{local}{i}@{rng.choice(DOMAINS)}"
        block = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
        return name, email, f"{block}.{i % 254 + 1}"

    def person(self) -> tuple[str, str, str]:
        return self.rng.choices(self.people, cum_weights=self.cum_weights)[0]

    def _paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choice(SENTENCES) for _ in range(sentences))

    def body(self, reply_to: str) -> str:
        """Mostly a line or two, sometimes a paragraph, now and then an essay."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            paragraphs = [self._paragraph(rng.randint(1, 2))]
        elif roll < 0.80:
            paragraphs = [self._paragraph(rng.randint(3, 6))]
        elif roll < 0.95:
            paragraphs = [self._paragraph(rng.randint(2, 5)) for _ in range(rng.randint(2, 4))]
        else:
            paragraphs = [self._paragraph(rng.randint(3, 6)) for _ in range(rng.randint(5, 8))]
        if reply_to and rng.random() < 0.3:
            paragraphs[0] = f"{reply_to}: {rng.choice(OPENERS)} {paragraphs[0]}"
        if rng.random() < LINK_SHARE:
            paragraphs.append(f"See {rng.choice(LINKS)} for the details.")
        if len(paragraphs) > 1 and rng.random() < 0.2:
            # Some people break lines inside a paragraph instead of leaving a blank line.
            paragraphs = ["\n".join(paragraphs[:2]), *paragraphs[2:]]
        return "\n\n".join(paragraphs)


def comments_generate(
    *,
    post,
    count: int,
    seed: int | None = None,
    max_depth: int = 6,
    batch_size: int = 1000,
    start: datetime.datetime | None = None,
) -> GeneratedComments:
    """Add `count` published comments to `post` as new threads, in one transaction.

    The same `seed` gives the same comments (names, words, shape, times). `max_depth` is
    the number of levels (6: top-level comments plus five levels of replies). Comments are
    dated from `start` (default: just after the post's publication) a few minutes apart.
    The post's `updated_at` is touched, since save signals do not fire for bulk writes.

    Raises ValueError on bad arguments and RuntimeError (after rolling back) if the trees
    written are not sound.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if max_depth < 1:
        raise ValueError("max_depth must be at least 1")
    rng = random.Random(seed)
    nodes = _plan_tree(rng, count, max_depth)
    writer = _Writer(rng, count)
    moment = start or post.published_at + datetime.timedelta(minutes=10)
    for node in nodes:
        name, email, address = writer.person()
        reply_to = ""
        if node.parent is not None:
            reply_to = node.parent.comment.author_name or "Anonymous"
        body = writer.body(reply_to)
        node.comment = Comment(
            post=post,
            author_name=name,
            author_email=email,
            notify_replies=bool(email) and rng.random() < NOTIFY_SHARE,
            ip_address=address,
            body=body,
            # What Comment.save() would store; bulk_create does not call save().
            body_html=render_comment_body(body),
            status=Comment.Status.PUBLISHED,
            created_at=moment,
            level=node.level,
        )
        moment += datetime.timedelta(minutes=rng.expovariate(1 / MEAN_GAP_MINUTES))

    with transaction.atomic():
        lock_tree(0)  # tree ids are global: no other thread may be created meanwhile
        first_tree_id = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
        numbers, _ = number_nested_sets(
            [node.parent.index if node.parent else None for node in nodes], first_tree_id
        )
        roots = sum(1 for node in nodes if node.parent is None)
        _insert_by_level(nodes, numbers, batch_size)
        tree_ids = range(first_tree_id, first_tree_id + roots)
        problems = find_tree_problems(
            Comment.objects.filter(tree_id__gte=tree_ids.start, tree_id__lt=tree_ids.stop)
        )
        if problems:
            raise RuntimeError(f"generated trees are not sound: {problems[0]}")
        type(post).objects.filter(pk=post.pk).update(updated_at=timezone.now())
        comments_changed.send(sender=Comment, post_ids={post.pk})
    return GeneratedComments(
        count=count,
        roots=roots,
        max_level=max((node.level for node in nodes), default=0),
        tree_ids=tree_ids,
    )
