"""Pure geospatial core of the atlas: no Streamlit, no folium."""
