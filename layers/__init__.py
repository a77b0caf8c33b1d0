"""How each atlas layer becomes a folium layer: style, icons, legend, tooltip."""
