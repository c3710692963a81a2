"""Router: page config, session-state defaults, and the explicit list of pages."""

import logging

import streamlit as st

from pages.shared.session import ensure_session_defaults

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

st.set_page_config(
    page_title="Recommender that learns from you",
    page_icon=":material/recommend:",
    layout="wide",
)
ensure_session_defaults()

pages = [
    st.Page("pages/recommend.py", title="Recommend", icon=":material/thumb_up:", default=True),
    st.Page("pages/map.py", title="Embedding map", icon=":material/scatter_plot:"),
    st.Page("pages/simulation.py", title="Simulation lab", icon=":material/science:"),
    st.Page("pages/evaluation.py", title="Evaluation", icon=":material/table_chart:"),
    st.Page("pages/catalogue.py", title="Catalogue", icon=":material/inventory_2:"),
    st.Page("pages/about.py", title="About the method", icon=":material/menu_book:"),
]
st.navigation(pages, position="top").run()
