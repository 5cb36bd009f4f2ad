"""Multiple systems estimation (capture–recapture over several lists).

Pure numpy/scipy/statsmodels: this package never imports Django.
"""
