"""Training analysis computed from RunBase's own canonical activities: VDOT and race equivalents, best
efforts, training load, volume and shoes, and their export. Pure functions beside the selectors and
services that feed them; every figure is in SI units (metres, seconds)."""
