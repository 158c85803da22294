"""The registry's web portals: server-rendered pages for the public, enterprises, experts, graduates, talent
and staff. Views stay thin: reads through ``registry.selectors``, writes through ``registry.services``."""
