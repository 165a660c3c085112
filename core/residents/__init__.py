"""The register: who lives where. Compounds, buildings, units, dwellings, households, persons."""
