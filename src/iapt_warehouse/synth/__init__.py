"""Synthetic IAPT submission packages (`iapt synth`): realistic, calibrated, deterministic.

See docs/synthetic-data.md. Entry points: `generate.generate(config, outdir)` writes the packages and
`OUTDIR/manifest.json`; `report.calibration(outdir)` recomputes the headline rates from the packages
with the derivation rules; `cli.synth` is the command.
"""
