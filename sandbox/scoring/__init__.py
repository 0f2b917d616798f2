"""Qt-free scoring engine: rule packs, detectors, score cards."""
