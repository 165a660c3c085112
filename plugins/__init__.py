"""First-party plugins, one package each (door_access, repairs, elevators, canteen, mediation).

They are built exactly as a third party would build one: registered through the
``linli.plugins`` entry point and importing only ``core.api``. See docs/plugins/.
"""
