"""The simulated clock and the timeline engine (Qt-free).

- :mod:`sandbox.timeline.clock`: ``SimClock``, simulated time from real seconds.
- :mod:`sandbox.timeline.engine`: ``TimelineEngine`` releases posts, fires follow-ups, judges states.
- :mod:`sandbox.timeline.office_time`: staffed minutes between two moments.
- :mod:`sandbox.timeline.stats`: first-reply times, median and mean.
"""
