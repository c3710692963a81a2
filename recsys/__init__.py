"""The recommender behind the demo: pure, typed, and free of Streamlit.

Importing this package is cheap; the sentence model (torch) loads only in ``load_encoder``.
"""

from recsys.catalog import (
    DOMAINS,
    Catalogue,
    Persona,
    load_catalogue,
    load_personas,
    make_catalogue,
    validate_catalogue,
)
from recsys.embeddings import CatalogueEmbeddings, build_embeddings, catalogue_embeddings
from recsys.encoder import EncoderLoad, SentenceEncoder, TextEncoder, TfidfEncoder, load_encoder
from recsys.explain import explain, split_phrases
from recsys.metrics import intra_list_similarity
from recsys.profile import (
    FeedbackEvent,
    ProfileSettings,
    UserProfile,
    interest_text_problem,
    ranking_query,
    replay,
    update_interest,
)
from recsys.projection import Projection, fit_pca, fit_tsne
from recsys.ranking import cosine_scores, display_score, top_k
from recsys.recommend import Recommendation, exclusion_mask, recommend
from recsys.satisfaction import like_share_series, satisfaction_series
from recsys.upload import UploadResult, csv_safe, read_catalogue_csv, template_csv

__all__ = [
    "DOMAINS",
    "Catalogue",
    "CatalogueEmbeddings",
    "EncoderLoad",
    "FeedbackEvent",
    "Persona",
    "Projection",
    "ProfileSettings",
    "Recommendation",
    "UploadResult",
    "SentenceEncoder",
    "TextEncoder",
    "TfidfEncoder",
    "UserProfile",
    "build_embeddings",
    "catalogue_embeddings",
    "cosine_scores",
    "csv_safe",
    "display_score",
    "exclusion_mask",
    "explain",
    "fit_pca",
    "fit_tsne",
    "interest_text_problem",
    "intra_list_similarity",
    "like_share_series",
    "load_catalogue",
    "load_encoder",
    "load_personas",
    "make_catalogue",
    "ranking_query",
    "read_catalogue_csv",
    "recommend",
    "replay",
    "satisfaction_series",
    "split_phrases",
    "template_csv",
    "top_k",
    "update_interest",
    "validate_catalogue",
]
