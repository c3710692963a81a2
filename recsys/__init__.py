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
from recsys.collaborative import CollaborativeModel, fit_collaborative, item_based_scores
from recsys.context import RankingContext, ranking_context
from recsys.diversify import mmr_rerank
from recsys.dpp import dpp_rerank
from recsys.embeddings import CatalogueEmbeddings, build_embeddings, catalogue_embeddings
from recsys.encoder import EncoderLoad, SentenceEncoder, TextEncoder, TfidfEncoder, load_encoder
from recsys.explain import explain, split_phrases
from recsys.explore import epsilon_greedy, thompson_queries
from recsys.interactions import InteractionLog, generate_log, read_log
from recsys.interests import interest_text_problem
from recsys.list_measures import (
    catalogue_coverage,
    domain_spread,
    intra_list_diversity,
    intra_list_similarity,
    novelty,
)
from recsys.metrics import evaluate_lists, ndcg_at_k, precision_at_k, recall_at_k
from recsys.neighbours import user_based_scores
from recsys.profile import FeedbackEvent, ProfileSettings, UserProfile, replay
from recsys.projection import Projection, fit_pca, fit_tsne
from recsys.ranker import Ranker, build_ranker
from recsys.ranking import cosine_scores, top_k
from recsys.recommend import Recommendation, RecommendedList, exclusion_mask, recommend
from recsys.satisfaction import like_share_series, satisfaction_series
from recsys.slates import SlateRequest
from recsys.strategy import PRESETS, Strategy
from recsys.update_rule import ranking_query, update_interest
from recsys.upload import UploadResult, csv_safe, read_catalogue_csv, template_csv

__all__ = [
    "DOMAINS",
    "PRESETS",
    "Catalogue",
    "CatalogueEmbeddings",
    "CollaborativeModel",
    "EncoderLoad",
    "FeedbackEvent",
    "InteractionLog",
    "Persona",
    "ProfileSettings",
    "Projection",
    "Ranker",
    "RankingContext",
    "Recommendation",
    "RecommendedList",
    "SentenceEncoder",
    "SlateRequest",
    "Strategy",
    "TextEncoder",
    "TfidfEncoder",
    "UploadResult",
    "UserProfile",
    "build_embeddings",
    "build_ranker",
    "catalogue_coverage",
    "catalogue_embeddings",
    "cosine_scores",
    "csv_safe",
    "domain_spread",
    "dpp_rerank",
    "epsilon_greedy",
    "evaluate_lists",
    "exclusion_mask",
    "explain",
    "fit_collaborative",
    "fit_pca",
    "fit_tsne",
    "generate_log",
    "interest_text_problem",
    "intra_list_diversity",
    "intra_list_similarity",
    "item_based_scores",
    "like_share_series",
    "load_catalogue",
    "load_encoder",
    "load_personas",
    "make_catalogue",
    "mmr_rerank",
    "ndcg_at_k",
    "novelty",
    "precision_at_k",
    "ranking_context",
    "ranking_query",
    "read_catalogue_csv",
    "read_log",
    "recall_at_k",
    "recommend",
    "replay",
    "satisfaction_series",
    "split_phrases",
    "template_csv",
    "thompson_queries",
    "top_k",
    "update_interest",
    "user_based_scores",
    "validate_catalogue",
]
