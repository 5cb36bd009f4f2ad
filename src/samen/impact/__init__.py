"""Impact monitor (issue 10): registered victims, overlap tables between registers,
estimation runs of the hidden number (through `samen.mse`, never the other way round),
detection rates and their publication under disclosure control.

Aggregates only: nothing here ever holds data about a person.
"""
