"""Catalogue: browse and search the active catalogue, or bring your own as a CSV."""

import streamlit as st

from pages.shared.cache import shipped_catalogue
from pages.shared.notices import plain
from pages.shared.session import profile
from pages.shared.workspace import (
    active_catalogue,
    restore_shipped_catalogue,
    uploaded,
    use_uploaded,
)
from recsys import csv_safe, read_catalogue_csv, template_csv
from recsys.catalog import browse, categories_in
from recsys.upload import MAX_BYTES, MAX_DESCRIPTION_CHARS, MAX_ROWS
from recsys.upload_notices import DEFAULTS, already_rated_notice

catalogue = active_catalogue()
items = catalogue.items
upload = uploaded()

st.title("Catalogue")
if upload is not None:
    st.info(
        f"You are using your own catalogue, **{plain(upload.file_name)}** "
        f"({len(catalogue):,} items), in this session only.",
        icon=":material/upload_file:",
    )
    st.button(
        "Restore the shipped catalogue",
        on_click=restore_shipped_catalogue,
        icon=":material/restore:",
        key="cat_restore",
    )
else:
    st.caption(f"The shipped catalogue: {len(catalogue):,} fictional items written for this demo.")

counts = items["domain"].map(catalogue.domain_label).value_counts()
shown_counts = counts.head(6)
for column, (domain, count) in zip(
    st.columns(len(shown_counts)), shown_counts.items(), strict=True
):
    column.metric(plain(domain), f"{count:,}")
if len(counts) > len(shown_counts):
    st.caption(
        f"…and {len(counts) - len(shown_counts):,} more domains with "
        f"{counts.iloc[len(shown_counts) :].sum():,} items."
    )

st.subheader("Browse")
filters = st.columns([2, 2, 3])
domains = filters[0].multiselect(
    "Domain",
    sorted(items["domain"].unique()),
    format_func=catalogue.domain_label,
    key="cat_domains",
    placeholder="All domains",
)
categories = filters[1].multiselect(
    "Category",
    categories_in(items, domains),
    key="cat_categories",
    placeholder="All categories",
)
search = filters[2].text_input(
    "Search titles, descriptions and tags", key="cat_search", placeholder="e.g. telescope"
)
shown = browse(items, domains, categories, search)
st.caption(f"{len(shown):,} of {len(items):,} items")
st.dataframe(
    shown.assign(domain=shown["domain"].map(catalogue.domain_label)),
    hide_index=True,
    width="stretch",
    height=min(380, 35 * (len(shown) + 1) + 3),
    column_order=[
        "title",
        "domain",
        "category",
        "quality",
        "hook",
        "tags",
        "description",
        "item_id",
    ],
    column_config={
        "quality": st.column_config.ProgressColumn(
            "quality", help="Long-term value, 0-1", min_value=0.0, max_value=1.0, format="%.2f"
        ),
        "hook": st.column_config.ProgressColumn(
            "hook",
            help="Short-term click appeal, 0-1",
            min_value=0.0,
            max_value=1.0,
            format="%.2f",
        ),
    },
)
st.download_button(
    "Download these items (CSV)",
    data=csv_safe(shown).to_csv(index=False),
    file_name="catalogue.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="cat_download",
)

st.subheader("Bring your own catalogue")
st.markdown(
    f"""
Upload a CSV with at least the columns `title` and `description`; `item_id`, `domain`,
`category`, `tags`, `quality` and `hook` are optional (missing ones become
`domain = {DEFAULTS["domain"]}`, `category = {DEFAULTS["category"]}`, no tags, and
`quality = hook = {DEFAULTS["quality"]}`). Limits: {MAX_ROWS:,} rows and
{MAX_BYTES // 2**20} MB; descriptions longer than {MAX_DESCRIPTION_CHARS:,} characters are cut
to what the model reads. Your catalogue is used in **this session only**; other visitors keep
theirs, and recommendations, personas and the map all switch to it.
"""
)
st.download_button(
    "Download a template (CSV)",
    data=template_csv(shipped_catalogue()),
    file_name="catalogue-template.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/description:",
    key="cat_template",
)
file = st.file_uploader("Upload a catalogue (CSV)", type=["csv"], key="cat_upload")
if file is not None:
    checked = st.session_state.get("cat_checked")
    if checked is None or checked[0] != file.file_id:  # check each file once, not every run
        checked = (file.file_id, read_catalogue_csv(file.getvalue(), file.name))
        st.session_state.cat_checked = checked
    result = checked[1]
    for problem in result.problems:  # they may quote the file's name or its ids
        st.error(plain(problem), icon=":material/error:")
    notices = list(result.notices)
    if result.catalogue is not None:  # ratings change between runs: checked on every run
        notices.append(already_rated_notice(result.catalogue, profile().rated))
    for notice in filter(None, notices):
        st.warning(plain(notice), icon=":material/info:")
    if result.catalogue is None:
        st.caption("Nothing was changed: your current catalogue and session are as they were.")
    elif upload is not None and upload.catalogue.fingerprint == result.catalogue.fingerprint:
        st.success("This file is the catalogue in use.", icon=":material/check:")
    else:
        ready = len(result.catalogue)
        st.success(
            f"{ready:,} {'items are' if ready != 1 else 'item is'} ready.", icon=":material/check:"
        )
        if st.button("Embed and use this catalogue", type="primary", key="cat_use"):
            seconds = use_uploaded(file.name, result.catalogue)
            st.session_state.cat_embedded_note = (
                f"Embedded {ready:,} item{'s' if ready != 1 else ''} in {seconds:.1f} s "
                f"({ready / seconds:,.0f} items/s). The Recommend page now "
                "uses your catalogue."
            )
            st.rerun()
if note := st.session_state.pop("cat_embedded_note", None):
    st.success(note, icon=":material/check_circle:")
