"""iCalendar feeds and downloads: built with the ``icalendar`` package, never by hand.

``ics.py`` turns :class:`FeedItem` values into a VCALENDAR; ``http.py`` serves it with
ETag/Last-Modified/304; ``views.py`` holds the feed routes and the subscriptions page;
``sources.py`` reads the features (events, spaces, help desks) into feed items.
"""
