"""Django's database sessions, loaded outside an ``except`` block.

Django loads a session inside ``except AttributeError`` (no cache yet), so when the database is down
every logged error comes chained to "'SessionStore' object has no attribute '_session_cache'", which
reads like a second bug. Loading after the check logs the database error alone.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _get_session(self, no_load=False):
        self.accessed = True
        if "_session_cache" not in self.__dict__:
            self._session_cache = {} if self.session_key is None or no_load else self.load()
        return self._session_cache

    _session = property(_get_session)
