from devtools.door_sim.simulator import door_sim

door_sim()
