"""Development tools that are not part of any plugin: device simulators for tests, demos and
integrators. Shipped beside the plugins, never loaded by the platform."""
